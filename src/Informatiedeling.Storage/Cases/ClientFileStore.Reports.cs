using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Protection;
using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Cases;

/// <summary>A report added to an existing file: when it came in, from which partner, and the fields of it the reader may see.</summary>
public sealed record ReportEntry(Guid Id, DateTimeOffset ReceivedAt, string Source, IReadOnlyList<FieldRead> Fields);

/// <summary>
/// Reports added to an existing file. Each is its own entry, appended and never merged into the file's fields: a
/// later report can overwrite nothing another partner wrote, and its values do not reach the evaluation record or
/// monitoring, which read the file's fields only. Its fields are encrypted under the case's keys like the file's,
/// so shredding or purging a category takes them too.
/// </summary>
public sealed partial class ClientFileStore
{
    /// <summary>
    /// Appends a report while the case is still open in <paramref name="step"/> (the step it was decided for), in
    /// one transaction holding the case's row. Null, and nothing written, when the case has left that step.
    /// </summary>
    /// <exception cref="FieldValidationException">Unknown fields or values of the wrong form.</exception>
    public async Task<ReportEntry?> AppendReportWhileInStepAsync(
        CasePseudonym pseudonym, string step, string source, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var checkedFields = Check(fields);
        var categories = policy.Current.Vocabulary.Categories.Names;
        var report = Guid.NewGuid();
        var now = time.GetUtcNow();
        var rows = new List<CaseReportFieldRow>(checkedFields.Count);
        foreach (var group in checkedFields.GroupBy(f => categories[f.Key.Category]))
        {
            // Encrypted first: the key store is another database, kept out of the transaction on the case's row.
            var key = await keys.ForWritingAsync(pseudonym.Value, group.Key, cancellationToken);
            rows.AddRange(group.Select(f => new CaseReportFieldRow
            {
                Case = pseudonym.Value,
                Report = report,
                Field = f.Key.Id,
                Category = group.Key,
                KeyVersion = key.Id.Version,
                Ciphertext = Encrypt(key, pseudonym, BoundName(report, f.Key.Id), group.Key, f.Value),
                ReceivedAt = now,
                Source = source,
            }));
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await HoldInStepAsync(db, pseudonym, step, cancellationToken))
        {
            return null;
        }

        db.CaseReportFields.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReportEntry(report, now, source, [.. checkedFields.Select(f => new FieldRead(f.Key.Id, categories[f.Key.Category], FieldReadStatus.Ok, null))]);
    }

    /// <summary>
    /// The added reports, oldest first, each with its fields of the categories in <paramref name="categories"/> (only
    /// those named in <paramref name="fields"/> when given); a report with none of them is left out.
    /// </summary>
    public async Task<IReadOnlyList<ReportEntry>> ReadReportsAsync(
        CasePseudonym pseudonym, ulong categories, CancellationToken cancellationToken, IReadOnlyCollection<string>? fields = null)
    {
        if (categories == 0)
        {
            return [];
        }

        var names = policy.Current.Vocabulary.Categories;
        var wanted = Enumerable.Range(0, names.Count).Where(i => (categories & (1UL << i)) != 0).Select(i => names.Names[i]).ToArray();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = (await db.CaseReportFields.AsNoTracking()
                .Where(r => r.Case == pseudonym.Value && wanted.Contains(r.Category))
                .ToListAsync(cancellationToken))
            .Where(r => fields is null || fields.Contains(r.Field))
            .OrderBy(r => r.ReceivedAt).ThenBy(r => r.Report).ThenBy(r => r.Field, StringComparer.Ordinal)
            .ToList();
        var entries = new List<ReportEntry>();
        foreach (var report in rows.GroupBy(r => r.Report))
        {
            var first = report.First();
            var reads = new List<FieldRead>();
            foreach (var row in report)
            {
                reads.Add(await DecryptAsync(pseudonym, row.Field, BoundName(row.Report, row.Field), row.Category, row.KeyVersion, row.Ciphertext, cancellationToken));
            }

            entries.Add(new ReportEntry(report.Key, first.ReceivedAt, first.Source, reads));
        }

        return entries;
    }

    /// <summary>Re-encrypts the added reports' fields of a category under <paramref name="target"/>, for a key rotation.</summary>
    private async Task<int> RotateReportsAsync(CasePseudonym pseudonym, string category, CaseKey target, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.CaseReportFields
            .Where(r => r.Case == pseudonym.Value && r.Category == category && r.KeyVersion < target.Id.Version)
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            var bound = BoundName(row.Report, row.Field);
            var read = await DecryptAsync(pseudonym, row.Field, bound, row.Category, row.KeyVersion, row.Ciphertext, cancellationToken);
            if (read.Status != FieldReadStatus.Ok)
            {
                throw new InvalidOperationException($"A report field '{row.Field}' cannot be re-encrypted: {read.Status}.");
            }

            row.Ciphertext = Encrypt(target, pseudonym, bound, category, read.Value!);
            row.KeyVersion = target.Id.Version;
        }

        await db.SaveChangesAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// The name a report's field is bound to in its ciphertext: no catalogue field id holds a '/', so a report's
    /// ciphertext fails to decrypt as a field of the file, or as the same field of another report.
    /// </summary>
    private static string BoundName(Guid report, string field) => $"report/{report:N}/{field}";
}
