using System.Globalization;
using System.Security.Claims;
using Informatiedeling.Hub.Access;
using Informatiedeling.Policy;
using Informatiedeling.Storage.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Cases;

/// <summary>
/// <c>GET /cases</c>, "my cases": the cases on which the caller's partner holds a role in the current step, each
/// listed only where the engine lets that role stand now (a shell partner only while invited), with step, status,
/// since when it is in that step, and the role; the most recently entered step first, page by page. Pseudonyms,
/// steps, statuses, instants and roles only. One access-log record per page, before it is answered.
/// </summary>
internal sealed class CaseList(Gate gate, CaseDirectory cases)
{
    public static readonly AccessRoute List = new("case.list");
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public async Task<Results<Ok<CaseListPage>, BadRequestProblem>> ListAsync(
        ClaimsPrincipal user, string? step, string? status, string? afterText, string? limitText, CancellationToken cancellationToken)
    {
        var access = gate.Enter(user, List);
        var steps = access.Engine.Vocabulary.Steps;
        var problems = new List<string>();
        if (step is not null && !steps.TryGetIndex(step, out _))
        {
            problems.Add($"unknown step '{Problems.Printable(step)}': 'step' must be one of {string.Join(", ", steps.Names)}");
        }

        if (status is not null and not ("open" or "closed"))
        {
            problems.Add("'status' must be open or closed");
        }

        CaseListCursor? after = null;
        if (afterText is not null && !CaseListCursor.TryParse(afterText, out after))
        {
            problems.Add("'after' must be the 'next' of an earlier page, as given");
        }

        var limit = Paging.Limit(limitText, DefaultLimit, MaxLimit, problems);
        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The case list's step, status, cursor or limit is not valid", problems, cancellationToken);
        }

        // The query finds the cases with a role row in the current step; the engine decides which of those roles stand.
        // Rows it refuses (an invitation that ended) shorten a batch, so batches are read until the page is full and
        // one more listed case is known to follow, or the rows run out; after the first, at the largest page size.
        var wanted = status is null ? (CaseStatus?)null : status == "closed" ? CaseStatus.Closed : CaseStatus.Open;
        var page = new List<MyCase>(limit);
        CaseListKey? last = null;
        var position = after?.Key;
        var more = false;
        var take = limit + 1;
        while (true)
        {
            var rows = await cases.ListInCurrentStepAsync(access.Caller.Partner, step, wanted, position, take, cancellationToken);
            foreach (var row in rows)
            {
                var standing = row.Standing;
                if (standing.Role is not { } role || !access.Engine.DecideStanding(access.Caller.PartnerId, role, access.Now, standing.InvitedUntil).Permitted)
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    more = true;
                    break;
                }

                page.Add(new MyCase(row.State.Pseudonym.Value, row.State.Step, row.State.Status == CaseStatus.Closed ? "closed" : "open", row.InStepSince, role.Name()));
                last = row.Key;
            }

            if (more || rows.Count < take)
            {
                break;
            }

            position = rows[^1].Key;
            take = MaxLimit + 1;
        }

        var next = more ? new CaseListCursor(last!.Value).ToString() : null;
        await gate.PermitAsync(access, cancellationToken, string.Create(CultureInfo.InvariantCulture, $"cases={page.Count};more={(more ? "true" : "false")}"));
        return TypedResults.Ok(new CaseListPage(page, next));
    }
}
