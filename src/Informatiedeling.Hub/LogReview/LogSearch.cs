using System.Globalization;
using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.LogReview;

/// <summary>
/// The privacy officer's search of the access log (<c>GET /access-log/records</c>, and the pages per case, per
/// employee and per day of NEN 7513): criteria that combine, newest first, keyset-paged. The hub's privacy officer
/// searches every partner's records; a partner's own privacy officer only its own employees' (the scope the gate set),
/// and asking for another partner's is refused. Each page is a log read, recorded through the gate before a row is
/// read, naming its parameters, never a personal value.
/// </summary>
internal sealed class LogSearch(Gate gate, AccessLogStore store, ClientFileStore files, CaseDirectory cases)
{
    public static readonly AccessRoute Records = new("access-log.records", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public static readonly AccessRoute Persons = new("access-log.persons", Kind: AccessEventKind.LogRead, PrivacyOfficerOnly: true, PartnerPrivacyOfficers: true);
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public async Task<Results<Ok<LogRecordPage>, BadRequestProblem, ForbiddenProblem>> SearchAsync(
        ClaimsPrincipal user, LogSearchRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Records, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        var (criteria, invalid, outside) = await CriteriaAsync(access, request, "records", DefaultLimit, MaxLimit, cancellationToken);
        if (criteria is null)
        {
            return invalid is not null ? invalid : outside!;
        }

        // No record, no read: the read is on the log before the query runs.
        await RecordReadAsync(access, criteria, cancellationToken);
        var (found, next) = await PageAsync(access.Officer!, criteria.Query, cancellationToken);
        return TypedResults.Ok(new LogRecordPage([.. found.Select(r => LogRecordRow.Of(r, access.Officer!))], next));
    }

    /// <summary>
    /// A page of the records <paramref name="query"/> matches that are within <paramref name="scope"/>, and the cursor
    /// of the page after (null on the last). The query already holds the scope's partner; the decoded records are
    /// checked against the scope again, and a partner's own privacy officer does not see the hub's privacy officer's
    /// records even where that officer is one of the partner's users: what the hub's officer reviewed is the hub's.
    /// </summary>
    public async Task<(IReadOnlyList<LoggedRecord> Records, string? Next)> PageAsync(OfficerScope scope, AccessLogQuery query, CancellationToken cancellationToken)
    {
        var limit = query.Limit;
        var page = new List<LoggedRecord>(limit);
        var before = query.BeforeSeq;
        for (var round = 0; round < MaxRounds; round++)
        {
            var batch = await store.QueryAsync(query with { BeforeSeq = before, Limit = limit + 1 }, cancellationToken);
            foreach (var record in batch)
            {
                if (page.Count == limit)
                {
                    return (page, new LogSearchCursor(page[^1].Seq).ToString());
                }

                before = record.Seq;
                if (Within(scope, record.Record))
                {
                    page.Add(record);
                }
            }

            if (batch.Count <= limit)
            {
                return (page, null);
            }
        }

        // Rounds of records outside the scope: the page ends here, and the next goes on below the last one read.
        return (page, before is { } b ? new LogSearchCursor(b).ToString() : null);
    }

    private const int MaxRounds = 20;

    /// <summary>Whether <paramref name="record"/> is within <paramref name="scope"/>: by one of its partner's employees, and for a partner's officer not the hub officer's own.</summary>
    internal static bool Within(OfficerScope scope, AccessRecord record) =>
        scope.Covers(record.ActorPartner) && (scope.All || record.Role != AccessRecords.PrivacyOfficerRole);

    /// <summary>
    /// The criteria of a privacy officer's read, within their scope: a partner's own privacy officer reads only that
    /// partner's employees' records, and a request for another partner's is refused (403, recorded). Malformed: 400, recorded.
    /// </summary>
    public async Task<Entry<LogCriteria, BadRequestProblem, ForbiddenProblem>> CriteriaAsync(
        Access.Access access, LogSearchRequest request, string operation, int defaultLimit, int maxLimit, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var criteria = LogCriteria.Parse(operation, request, access.Engine.Vocabulary, defaultLimit, maxLimit, problems);
        if (criteria is null)
        {
            return new(null, await gate.InvalidAsync(access, "The search of the access log is not valid", problems, cancellationToken), null);
        }

        var scope = access.Officer ?? throw new InvalidOperationException("A log search is entered as a privacy officer.");
        if (scope.All)
        {
            return new(criteria, null, null);
        }

        if (criteria.Query.Partner is { } asked && asked != scope.Partner)
        {
            await gate.RecordAsync(access, AccessDecision.Deny, null, cancellationToken, subject: criteria.Subject);
            return new(null, null, new ForbiddenProblem(new()
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Outside your organisation",
                Detail = "A partner's privacy officer reviews what that partner's own employees did (NEN 7513), not another partner's.",
            }));
        }

        return new(criteria with { Query = criteria.Query with { Partner = scope.Partner } }, null, null);
    }

    /// <summary>Records the log read of <paramref name="criteria"/>: one record, or one per case when the search names several (so that each case's own reads find it).</summary>
    public Task RecordReadAsync(Access.Access access, LogCriteria criteria, CancellationToken cancellationToken) => criteria.Cases.Count switch
    {
        0 => gate.PermitAsync(access, cancellationToken, criteria.Subject),
        _ => Task.WhenAll(criteria.Cases.Select(c => gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: criteria.Subject, about: c))),
    };

    /// <summary>
    /// <c>POST /access-log/persons</c>: the files of a person, found through the keyed blind index of name and date of
    /// birth (never a plaintext lookup; the name and date travel in the body, never in a URL). The search is a log read
    /// recorded under each file it found (or none), never with the name. A partner's own privacy officer learns only of
    /// the files on which that partner holds a role in some step or was invited: the files it is a party to.
    /// </summary>
    /// <summary>What is wrong with a person to search for, each naming its member; checked after the gate, so that a refusal comes first.</summary>
    private static List<string> PersonProblems(PersonSearchRequest request)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.FullName) || request.FullName.Length > Cases.PersonNameAttribute.MaxLength || request.FullName.Any(char.IsControl))
        {
            problems.Add($"'fullName' must be a name of at most {Cases.PersonNameAttribute.MaxLength} characters, without control characters");
        }

        if (request.DateOfBirth is null)
        {
            problems.Add("'dateOfBirth' is required (yyyy-MM-dd)");
        }

        return problems;
    }

    public async Task<Results<Ok<PersonCases>, BadRequestProblem, ForbiddenProblem>> FindPersonAsync(
        ClaimsPrincipal user, PersonSearchRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsPrivacyOfficerAsync(user, Persons, cancellationToken);
        if (access is null)
        {
            return refusal!;
        }

        if (PersonProblems(request) is { Count: > 0 } problems)
        {
            return await gate.InvalidAsync(access, "The person to search for is not valid", problems, cancellationToken);
        }

        var found = await files.FindCasesAsync(new PersonKey(request.FullName!.Trim(), request.DateOfBirth!.Value), cancellationToken);
        if (access.Officer is { All: false, Partner: { } own })
        {
            // Only the files the partner holds or held a role on, or was invited to: what the case directory says,
            // never what the log holds (a refused attempt or the officer's own search would otherwise count).
            var seen = new List<CasePseudonym>();
            foreach (var c in found)
            {
                if (await cases.FindWithStandingInAnyStepAsync(c, own.Value, cancellationToken) is { Standing: { } standing } && (standing.Role is not null || standing.InvitedUntil is not null))
                {
                    seen.Add(c);
                }
            }

            found = seen;
        }

        found = [.. found.Take(LogCriteria.MaxCases)];
        var subject = string.Create(CultureInfo.InvariantCulture, $"persons;hits={found.Count}");
        await (found.Count == 0
            ? gate.PermitAsync(access, cancellationToken, subject)
            : Task.WhenAll(found.Select(c => gate.RecordAsync(access, AccessDecision.Permit, null, cancellationToken, subject: subject, about: c))));
        return TypedResults.Ok(new PersonCases([.. found.Select(c => c.Value)]));
    }
}
