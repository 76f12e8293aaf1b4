using System.Globalization;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Informatiedeling.Hub.Pages.Toegangslog;

/// <summary>NEN 7513's view per day: everything recorded on one day in the Netherlands, newest first; today by default.</summary>
internal sealed class DagModel(PolicyHolder policy, LogSearch search, TimeProvider time) : LogPageModel(policy, search)
{
    [BindProperty(SupportsGet = true)]
    public string? Dag { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public DateOnly? Shown { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Dag ??= LogPageModel.Day(time.GetUtcNow());
        Shown = DateOnly.TryParseExact(Dag, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day > LogCriteria.FirstDay && day < LogCriteria.LastDay ? day : null;
        await SearchAsync(new LogSearchRequest(From: Dag, To: Dag, Cursor: string.IsNullOrWhiteSpace(Cursor) ? null : Cursor), cancellationToken);
        return Page();
    }

    public string DayText => Shown?.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("nl-NL")) ?? "";

    public static string Link(DateOnly day) => "/toegangslog/dag/" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
