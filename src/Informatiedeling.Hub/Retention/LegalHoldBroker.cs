using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Hub.Access;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// Places and lifts legal holds (bewaarplicht, convenant art. 8.5) through the <see cref="Gate"/>: decided by the
/// policy engine on the partner's strongest role in any step of the case, recorded in the access log before it
/// takes effect (placement, lift and refusal alike), the reason sealed under the case's access-log key. A partner
/// without standing on the case gets the answer for a case that does not exist.
/// </summary>
internal sealed class LegalHoldBroker(Gate gate, LegalHoldStore holds, LegalHoldReasons reasons, ILogger<LegalHoldBroker> logger)
{
    public static readonly AccessRoute Place = new(
        "legal-hold.place", "bewaarplicht-vastleggen", AccessEventKind.LegalHold, StandingScope.AnyStep, "Not allowed to place a legal hold");

    public static readonly AccessRoute Lift = new(
        "legal-hold.lift", "bewaarplicht-opheffen", AccessEventKind.LegalHold, StandingScope.AnyStep, "Not allowed to lift a legal hold");

    /// <summary>The holds in force on a case, for those who may lift them (decided as a lift is); the reasons stay sealed.</summary>
    public static readonly AccessRoute List = new(
        "legal-hold.list", "bewaarplicht-opheffen", AccessEventKind.LegalHold, StandingScope.AnyStep, "Not allowed to see the legal holds");

    /// <summary>Enough for a reason that names the investigation; the body limit of the hub bounds it anyway.</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>A hold ends within this time of its placement (art. 8.5); a longer one is placed anew, with a new reason.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(5 * 365 + 1);

    public async Task<Results<Created<LegalHoldPlaced>, BadRequestProblem, Refusal, ConflictProblem>> PlaceAsync(
        ClaimsPrincipal user, string pseudonym, LegalHoldRequest request, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Place, pseudonym, cancellationToken);
        if (access is null)
        {
            return Refused(user, refusal!);
        }

        var now = access.Now;
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            problems.Add("a legal hold needs a reason ('reason'): the investigation or prosecution it serves (art. 8.5)");
        }
        else if (request.Reason.Length > MaxReasonLength)
        {
            problems.Add($"the reason is longer than {MaxReasonLength} characters");
        }

        if (request.Until is not { } until)
        {
            problems.Add("a legal hold needs an end date ('until')");
        }
        else if (until <= now)
        {
            problems.Add("the end date ('until') must be in the future");
        }
        else if (until > now + MaxDuration)
        {
            problems.Add("the end date ('until') is more than five years away; place a new hold when it ends");
        }

        if (problems.Count > 0)
        {
            return await gate.InvalidAsync(access, "The legal hold is incomplete", problems, cancellationToken);
        }

        var id = Guid.CreateVersion7(now);
        SealedReason sealedReason;
        try
        {
            sealedReason = await reasons.SealAsync(access.State.Pseudonym, id, request.Reason!.Trim(), cancellationToken);
        }
        catch (CategoryDestroyedException)
        {
            return await gate.ConflictAsync(access, "The case's data is destroyed",
                "The keys of this case were destroyed; there is nothing left for a legal hold to keep.", cancellationToken);
        }

        // Recorded before it takes effect: if the log cannot take it, the hold is not placed.
        var partner = access.Caller.Partner;
        await gate.PermitAsync(access, cancellationToken, id.ToString("N"));
        var placedAt = await holds.PlaceAsync(new LegalHoldRow
        {
            Id = id,
            Case = access.State.Pseudonym.Value,
            PlacedByPartner = partner,
            PlacedByUser = access.Caller.User!,
            Until = request.Until!.Value.ToUniversalTime(),
            ReasonKeyVersion = sealedReason.KeyVersion,
            ReasonCiphertext = sealedReason.Ciphertext,
        }, cancellationToken);
        RetentionMessages.HoldPlaced(logger, id, partner, request.Until!.Value);
        return TypedResults.Created(
            $"/cases/{access.State.Pseudonym.Value}/holds/{id:D}", new LegalHoldPlaced(id, access.State.Pseudonym.Value, placedAt, request.Until!.Value.ToUniversalTime()));
    }

    public async Task<Results<Ok<IReadOnlyList<CaseLegalHold>>, Refusal>> ListAsync(ClaimsPrincipal user, string pseudonym, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, List, pseudonym, cancellationToken);
        if (access is null)
        {
            return Refused(user, refusal!);
        }

        await gate.PermitAsync(access, cancellationToken);
        var active = await holds.ActiveAsync(access.State.Pseudonym, access.Now, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CaseLegalHold>>([.. active.Select(h => new CaseLegalHold(h.Id, h.PlacedByPartner, h.PlacedAt, h.Until))]);
    }

    public async Task<Results<NoContent, Refusal, ConflictProblem>> LiftAsync(ClaimsPrincipal user, string pseudonym, string idText, CancellationToken cancellationToken)
    {
        var (access, refusal) = await gate.EnterAsync(user, Lift, pseudonym, cancellationToken);
        if (access is null)
        {
            return Refused(user, refusal!);
        }

        var hold = Guid.TryParse(idText, out var id) ? await holds.FindAsync(access.State.Pseudonym, id, cancellationToken) : null;
        if (hold is null)
        {
            return await gate.MissingAsync(access, "Legal hold not found", "This case has no legal hold with this id.", cancellationToken);
        }

        if (hold.LiftedAt is not null || hold.Until <= access.Now)
        {
            return await gate.ConflictAsync(access, NoLongerActive.Title, NoLongerActive.Detail, cancellationToken, id.ToString("N"));
        }

        var partner = access.Caller.Partner;
        await gate.PermitAsync(access, cancellationToken, id.ToString("N"));
        if (!await holds.LiftAsync(id, partner, cancellationToken))
        {
            // Lifted by a concurrent request after this one was recorded: the record of this lift says it did nothing.
            return await gate.ConflictAsync(access, NoLongerActive.Title, NoLongerActive.Detail, cancellationToken, id.ToString("N"));
        }

        RetentionMessages.HoldLifted(logger, id, partner);
        return TypedResults.NoContent();
    }

    private Refusal Refused(ClaimsPrincipal user, Refusal refusal)
    {
        RetentionMessages.HoldRefused(logger, Caller.Of(user).Partner, refusal.Rule?.RuleId ?? "case-not-found");
        return refusal;
    }

    private static readonly (string Title, string Detail) NoLongerActive = ("Legal hold no longer active", "This legal hold was lifted or has ended.");
}
