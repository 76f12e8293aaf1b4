using System.Buffers;
using System.Text;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Protection;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Cases;

/// <summary>Who a report is about, for finding an existing file through the blind index (never stored in plaintext).</summary>
public sealed record PersonKey(string FullName, DateOnly DateOfBirth);

/// <summary>A value the catalogue does not accept. The message names the field, never the value.</summary>
public sealed class FieldValidationException(IReadOnlyList<string> problems) : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// The client file at rest: every field encrypted on its own under its case's key for its category, found by
/// pseudonym only, or by the keyed blind index for "is there already a file for this person?".
/// </summary>
public sealed partial class ClientFileStore(
    IDbContextFactory<HubDbContext> factory,
    CaseKeyRing keys,
    KeyStoreState keyState,
    PolicyHolder policy,
    IAccessLog accessLog,
    TimeProvider time)
{
    // Every permitted read runs this: compiled once per instance (a compiled query belongs to one model), each
    // field with the time its category was shredded, if it was, in one round trip.
    private readonly Func<HubDbContext, string, string[], IAsyncEnumerable<FieldRow>> _fields = EF.CompileAsyncQuery(
        (HubDbContext db, string pseudonym, string[] categories) => db.CaseFields.AsNoTracking()
            .Where(f => f.Case == pseudonym && categories.Contains(f.Category))
            .OrderBy(f => f.Field)
            .Select(f => new FieldRow(
                f,
                db.CaseShreds.Where(s => s.Case == f.Case && s.Category == f.Category).Select(s => (DateTimeOffset?)s.DestroyedAt).FirstOrDefault())));

    /// <summary>Opens a new file in <paramref name="step"/>, with the person's blind index and the first fields.</summary>
    public async Task<CasePseudonym> CreateAsync(
        string step, PersonKey? person, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken, CasePseudonym? chosen = null)
    {
        var checkedFields = Check(fields);
        var pseudonym = chosen ?? CasePseudonym.New();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            db.Cases.Add(new CaseRow
            {
                Pseudonym = pseudonym.Value,
                Status = "open",
                Step = step,
                CreatedAt = now,
                BlindIndex = person is null ? null : keyState.BlindIndex.Compute(person.FullName, person.DateOfBirth),
            });
            db.CaseSteps.Add(new CaseStepRow { Case = pseudonym.Value, Step = step, EnteredAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }

        await WriteCheckedAsync(pseudonym, checkedFields, cancellationToken);
        return pseudonym;
    }

    /// <summary>The open file of this person, if there is one (the most recent when several).</summary>
    public async Task<CasePseudonym?> FindOpenCaseAsync(PersonKey person, CancellationToken cancellationToken)
    {
        var index = keyState.BlindIndex.Compute(person.FullName, person.DateOfBirth);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var found = await db.Cases.AsNoTracking()
            .Where(c => c.BlindIndex == index && c.Status == "open")
            .OrderByDescending(c => c.Pseudonym)
            .Select(c => c.Pseudonym)
            .FirstOrDefaultAsync(cancellationToken);
        return found is not null && CasePseudonym.TryParse(found, out var pseudonym) ? pseudonym : null;
    }

    /// <summary>Every file of this person, open or closed, newest first: for the privacy officer's search by person and a data subject's report.</summary>
    public async Task<IReadOnlyList<CasePseudonym>> FindCasesAsync(PersonKey person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var index = keyState.BlindIndex.Compute(person.FullName, person.DateOfBirth);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var found = await db.Cases.AsNoTracking()
            .Where(c => c.BlindIndex == index)
            .OrderByDescending(c => c.Pseudonym)
            .Select(c => c.Pseudonym)
            .ToListAsync(cancellationToken);
        return [.. found.Select(f => CasePseudonym.TryParse(f, out var p) ? p : (CasePseudonym?)null).OfType<CasePseudonym>()];
    }

    public async Task<bool> ExistsAsync(CasePseudonym pseudonym, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Cases.AnyAsync(c => c.Pseudonym == pseudonym.Value, cancellationToken);
    }

    /// <summary>Writes (or overwrites) fields, each encrypted under the current key of its category.</summary>
    public async Task WriteAsync(CasePseudonym pseudonym, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken) =>
        await WriteCheckedAsync(pseudonym, Check(fields), cancellationToken);

    /// <summary>
    /// Writes fields only while the case is still open in <paramref name="step"/>, the step the write was decided in:
    /// the check and the write are one transaction holding the case's row, so a concurrent step move or closure
    /// comes wholly before or after it. False, and nothing written, when the case has left that step.
    /// </summary>
    public async Task<bool> WriteWhileInStepAsync(
        CasePseudonym pseudonym, IReadOnlyDictionary<string, string> fields, string step, CancellationToken cancellationToken)
    {
        var checkedFields = Check(fields);
        var categories = policy.Current.Vocabulary.Categories.Names;

        // Encrypted first: the key store is another database, kept out of the transaction on the case's row.
        var encrypted = new List<(FieldDefinition Field, string Category, int Version, byte[] Ciphertext)>(checkedFields.Count);
        foreach (var group in checkedFields.GroupBy(f => categories[f.Key.Category]))
        {
            var key = await keys.ForWritingAsync(pseudonym.Value, group.Key, cancellationToken);
            encrypted.AddRange(group.Select(f => (f.Key, group.Key, key.Id.Version, Encrypt(key, pseudonym, f.Key.Id, group.Key, f.Value))));
        }

        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await HoldInStepAsync(db, pseudonym, step, cancellationToken))
        {
            return false;
        }

        var ids = encrypted.Select(e => e.Field.Id).ToList();
        var existing = await db.CaseFields.Where(f => f.Case == pseudonym.Value && ids.Contains(f.Field)).ToDictionaryAsync(f => f.Field, StringComparer.Ordinal, cancellationToken);
        foreach (var (field, category, version, ciphertext) in encrypted)
        {
            if (existing.TryGetValue(field.Id, out var row))
            {
                row.Ciphertext = ciphertext;
                row.KeyVersion = version;
                row.UpdatedAt = now;
            }
            else
            {
                db.CaseFields.Add(new CaseFieldRow { Case = pseudonym.Value, Field = field.Id, Category = category, KeyVersion = version, Ciphertext = ciphertext, UpdatedAt = now });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Reads the fields of the categories in <paramref name="categories"/> (vocabulary bit mask), only those named in
    /// <paramref name="fields"/> when it is given. Each field says whether it decrypted, and if not, why.
    /// </summary>
    public async Task<IReadOnlyList<FieldRead>> ReadAsync(
        CasePseudonym pseudonym, ulong categories, CancellationToken cancellationToken, IReadOnlyCollection<string>? fields = null)
    {
        var names = policy.Current.Vocabulary.Categories;
        var wanted = Enumerable.Range(0, names.Count).Where(i => (categories & (1UL << i)) != 0).Select(i => names.Names[i]).ToArray();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = new List<FieldRow>();
        var only = fields is null ? null : new HashSet<string>(fields, StringComparer.Ordinal);
        await foreach (var row in _fields(db, pseudonym.Value, wanted).WithCancellation(cancellationToken))
        {
            if (only is null || only.Contains(row.Row.Field))
            {
                rows.Add(row);
            }
        }

        var result = new List<FieldRead>(rows.Count);
        foreach (var (row, destroyedAt) in rows)
        {
            if (destroyedAt is not null)
            {
                result.Add(new FieldRead(row.Field, row.Category, FieldReadStatus.Destroyed, null, destroyedAt));
                continue;
            }

            result.Add(await DecryptAsync(pseudonym, row, cancellationToken));
        }

        return result;
    }

    /// <summary>
    /// The values of a case's evaluation fields (<see cref="EvaluationFields"/>: enums marked <c>evaluation: true</c>),
    /// decrypted in the hub to be copied into the anonymous evaluation record. A value outside the field's list, or of
    /// a destroyed category, is left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadEvaluationValuesAsync(CasePseudonym pseudonym, CancellationToken cancellationToken)
    {
        var evaluation = EvaluationFields.Of(policy.Current.Set);
        var ids = evaluation.Select(f => f.Id).ToList();
        var mask = evaluation.Aggregate(0UL, (m, f) => m | (1UL << f.Category));
        var reads = await ReadAsync(pseudonym, mask, cancellationToken, ids);
        return reads
            .Where(r => r.Status == FieldReadStatus.Ok && evaluation.Any(f => f.Id == r.Field && f.Values.Contains(r.Value!, StringComparer.Ordinal)))
            .ToDictionary(r => r.Field, r => r.Value!, StringComparer.Ordinal);
    }

    /// <summary>
    /// For monitoring: how often each value of each evaluation field occurs over all open cases. Decrypted in the
    /// hub and counted at once; neither the values nor which case holds them are kept or returned.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Dictionary<string, int>>> CountEvaluationValuesOfOpenCasesAsync(CancellationToken cancellationToken)
    {
        var evaluation = EvaluationFields.Of(policy.Current.Set);
        var ids = evaluation.Select(f => f.Id).ToList();
        var counts = evaluation.ToDictionary(f => f.Id, _ => new Dictionary<string, int>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var open = db.Cases.Where(c => c.Status == "open").Select(c => c.Pseudonym);
        var rows = await db.CaseFields.AsNoTracking().Where(f => ids.Contains(f.Field) && open.Contains(f.Case)).ToListAsync(cancellationToken);
        var shredded = (await db.CaseShreds.AsNoTracking().Where(s => open.Contains(s.Case)).Select(s => new { s.Case, s.Category }).ToListAsync(cancellationToken))
            .Select(s => (s.Case, s.Category)).ToHashSet();
        foreach (var row in rows)
        {
            if (shredded.Contains((row.Case, row.Category)) || !CasePseudonym.TryParse(row.Case, out var pseudonym))
            {
                continue;
            }

            var read = await DecryptAsync(pseudonym, row, cancellationToken);
            var field = evaluation.First(f => f.Id == row.Field);
            if (read.Status == FieldReadStatus.Ok && field.Values.Contains(read.Value!, StringComparer.Ordinal))
            {
                var byValue = counts[row.Field];
                byValue[read.Value!] = byValue.GetValueOrDefault(read.Value!) + 1;
            }
        }

        return counts;
    }

    /// <summary>Crypto-shredding: destroys the category's keys (every copy of the data becomes unreadable) and records it.</summary>
    public async Task<DateTimeOffset> DestroyCategoryAsync(
        CasePseudonym pseudonym, string category, CancellationToken cancellationToken, string actor = "hub", string? rule = null, string? article = null)
    {
        // Logged before it happens: if the log cannot take the record, nothing is destroyed (fail closed).
        await accessLog.AppendAsync(
            AccessRecord.Administrative(AccessEventKind.KeyDestroyed, "case-key.destroy", $"case-key:{category}", actor, time.GetUtcNow(), pseudonym, rule, article),
            cancellationToken);
        var at = await keys.DestroyAsync(pseudonym.Value, category, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!await db.CaseShreds.AnyAsync(s => s.Case == pseudonym.Value && s.Category == category, cancellationToken))
        {
            db.CaseShreds.Add(new CaseShredRow { Case = pseudonym.Value, Category = category, DestroyedAt = at });
            await db.SaveChangesAsync(cancellationToken);
        }

        return at;
    }

    /// <summary>
    /// Rotates a case's key for a category by re-encrypting its fields under a new key version. Resumable: an
    /// interrupted rotation leaves both versions in place, every field readable, and the next call finishes it.
    /// Returns the number of fields re-encrypted.
    /// </summary>
    public async Task<int> RotateCategoryKeyAsync(
        CasePseudonym pseudonym, string category, int batchSize, CancellationToken cancellationToken, int limit = int.MaxValue)
    {
        var current = await keys.ForWritingAsync(pseudonym.Value, category, cancellationToken);
        int pendingBelow;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            pendingBelow = await db.CaseFields.CountAsync(f => f.Case == pseudonym.Value && f.Category == category && f.KeyVersion < current.Id.Version, cancellationToken);
        }

        var target = pendingBelow > 0 ? current : await keys.CreateAsync(current.Id with { Version = current.Id.Version + 1 }, cancellationToken);
        var moved = 0;
        while (true)
        {
            if (moved >= limit)
            {
                return moved; // interrupted on purpose: both key versions stay until a later call finishes
            }

            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var batch = await db.CaseFields
                .Where(f => f.Case == pseudonym.Value && f.Category == category && f.KeyVersion < target.Id.Version)
                .OrderBy(f => f.Field).Take(Math.Min(batchSize, limit - moved)).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var row in batch)
            {
                var read = await DecryptAsync(pseudonym, row, cancellationToken);
                if (read.Status != FieldReadStatus.Ok)
                {
                    throw new InvalidOperationException($"Field '{row.Field}' cannot be re-encrypted: {read.Status}.");
                }

                row.Ciphertext = Encrypt(target, pseudonym, row.Field, category, read.Value!);
                row.KeyVersion = target.Id.Version;
            }

            await db.SaveChangesAsync(cancellationToken);
            moved += batch.Count;
        }

        // Added reports are under the same keys: re-encrypted before the old versions go, or they would be lost with them.
        moved += await RotateReportsAsync(pseudonym, category, target, cancellationToken);
        await keys.RetireVersionsBelowAsync(pseudonym.Value, category, target.Id.Version, cancellationToken);
        await accessLog.AppendAsync(
            AccessRecord.Administrative(AccessEventKind.KeyRotated, "case-key.rotate", $"case-key:{category}:v{target.Id.Version}", "hub", time.GetUtcNow(), pseudonym),
            cancellationToken);
        return moved;
    }

    /// <summary>Checks values against the catalogue without writing anything.</summary>
    /// <exception cref="FieldValidationException">Unknown fields or values of the wrong form (the message names fields, never values).</exception>
    public void Validate(IReadOnlyDictionary<string, string> fields) => Check(fields);

    private Dictionary<FieldDefinition, string> Check(IReadOnlyDictionary<string, string> fields)
    {
        var set = policy.Current.Set;
        var problems = new List<string>();
        var result = new Dictionary<FieldDefinition, string>();
        foreach (var (id, value) in fields)
        {
            var field = set.FindField(id);
            if (field is null)
            {
                problems.Add($"unknown field '{id}'");
            }
            else if (FieldValues.Problem(field, value) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                result[field] = value;
            }
        }

        return problems.Count > 0 ? throw new FieldValidationException(problems) : result;
    }

    private async Task WriteCheckedAsync(CasePseudonym pseudonym, Dictionary<FieldDefinition, string> fields, CancellationToken cancellationToken)
    {
        if (fields.Count == 0)
        {
            return;
        }

        var categories = policy.Current.Vocabulary.Categories.Names;
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = fields.Keys.Select(f => f.Id).ToList();
        var existing = await db.CaseFields.Where(f => f.Case == pseudonym.Value && ids.Contains(f.Field)).ToDictionaryAsync(f => f.Field, StringComparer.Ordinal, cancellationToken);
        foreach (var group in fields.GroupBy(f => categories[f.Key.Category]))
        {
            var key = await keys.ForWritingAsync(pseudonym.Value, group.Key, cancellationToken);
            foreach (var (field, value) in group)
            {
                var ciphertext = Encrypt(key, pseudonym, field.Id, group.Key, value);
                if (existing.TryGetValue(field.Id, out var row))
                {
                    row.Ciphertext = ciphertext;
                    row.KeyVersion = key.Id.Version;
                    row.UpdatedAt = now;
                }
                else
                {
                    db.CaseFields.Add(new CaseFieldRow
                    {
                        Case = pseudonym.Value, Field = field.Id, Category = group.Key, KeyVersion = key.Id.Version, Ciphertext = ciphertext, UpdatedAt = now,
                    });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static byte[] Encrypt(CaseKey key, CasePseudonym pseudonym, string field, string category, string value)
    {
        var plaintext = Encoding.UTF8.GetBytes(value);
        using var lease = key.Lease();
        try
        {
            return FieldCipher.Encrypt(lease.Aes, key.BindingPrefix, field, plaintext);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private Task<FieldRead> DecryptAsync(CasePseudonym pseudonym, CaseFieldRow row, CancellationToken cancellationToken) =>
        DecryptAsync(pseudonym, row.Field, row.Field, row.Category, row.KeyVersion, row.Ciphertext, cancellationToken);

    /// <summary>Decrypts a value stored for <paramref name="field"/>, bound to the name <paramref name="boundAs"/> when it was encrypted.</summary>
    private async Task<FieldRead> DecryptAsync(
        CasePseudonym pseudonym, string field, string boundAs, string category, int keyVersion, byte[] ciphertext, CancellationToken cancellationToken)
    {
        CaseKeyLookup lookup;
        try
        {
            lookup = await keys.FindAsync(new CaseKeyId(pseudonym.Value, category, keyVersion), cancellationToken);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The wrapped key itself was altered or belongs elsewhere.
            return new FieldRead(field, category, FieldReadStatus.IntegrityFailure, null);
        }

        if (lookup.Key is not { } key)
        {
            return new FieldRead(field, category, lookup.Destroyed ? FieldReadStatus.Destroyed : FieldReadStatus.KeyMissing, null, lookup.DestroyedAt);
        }

        var length = Math.Max(0, ciphertext.Length - FieldCipher.Overhead);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        using var lease = key.Lease();
        try
        {
            var plaintext = buffer.AsSpan(0, length);
            return FieldCipher.TryDecrypt(lease.Aes, key.BindingPrefix, boundAs, ciphertext, plaintext)
                ? new FieldRead(field, category, FieldReadStatus.Ok, Encoding.UTF8.GetString(plaintext))
                : new FieldRead(field, category, FieldReadStatus.IntegrityFailure, null);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Locks the case's row for the rest of the transaction while it is still open and in <paramref name="step"/>
    /// (a no-op update takes the row lock on PostgreSQL and the write lock on SQLite), so a write decided for that
    /// step cannot land after a step move.
    /// </summary>
    private static async Task<bool> HoldInStepAsync(HubDbContext db, CasePseudonym pseudonym, string step, CancellationToken cancellationToken) =>
        await db.Cases
            .Where(c => c.Pseudonym == pseudonym.Value && c.Status == "open" && c.Step == step)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Step, c => c.Step), cancellationToken) == 1;
}

/// <summary>A stored field with the time its category was shredded (null while it is not).</summary>
internal sealed record FieldRow(CaseFieldRow Row, DateTimeOffset? DestroyedAt);

/// <summary>Secrets the hub loads from the key store at start-up.</summary>
public sealed class KeyStoreState
{
    private BlindIndex? _blindIndex;

    public BlindIndex BlindIndex => _blindIndex ?? throw new InvalidOperationException("The key store has not been opened yet.");

    internal void Set(BlindIndex blindIndex) => _blindIndex = blindIndex;
}
