using Informatiedeling.Protection;
using Informatiedeling.Storage.Cases;

namespace Informatiedeling.Hub.Cases;

/// <summary>The added reports of a read as the answer gives them: only fields that decrypted, only reports with one.</summary>
internal static class AddedReports
{
    public static List<AddedReport> Released(IReadOnlyList<ReportEntry> entries) =>
    [
        .. entries
            .Select(e => new AddedReport(
                e.ReceivedAt, e.Source,
                e.Fields.Where(f => f.Status == FieldReadStatus.Ok).ToDictionary(f => f.Field, f => f.Value!, StringComparer.Ordinal)))
            .Where(r => r.Fields.Count > 0),
    ];
}
