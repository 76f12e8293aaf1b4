using System.Security.Claims;
using Informatiedeling.AccessLog.Records;
using Informatiedeling.Cases;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Policy;
using Informatiedeling.Policy.Engine;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Keys;
using Informatiedeling.Storage.Retention;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Informatiedeling.Hub.Retention;

/// <summary>
/// Places and lifts legal holds (bewaarplicht, convenant art. 8.5): decided by the policy engine on the partner's
/// strongest role in any step of the case, recorded in the access log before it takes effect (placement, lift and
/// refusal alike), the reason sealed under the case's access-log key. A partner without standing on the case
/// gets the answer for a case that does not exist.
/// </summary>
internal sealed class LegalHoldBroker(
    PolicyHolder policy,
    CaseDirectory cases,
    LegalHoldStore holds,
    LegalHoldReasons reasons,
    IAccessLog accessLog,
    TimeProvider time,
    ILogger<LegalHoldBroker> logger)
{
    public const string PlaceAction = "bewaarplicht-vastleggen";
    public const string LiftAction = "bewaarplicht-opheffen";
    public const string PlaceOperation = "legal-hold.place";
    public const string LiftOperation = "legal-hold.lift";

    /// <summary>Enough for a reason that names the investigation; the body limit of the hub bounds it anyway.</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>A hold ends within this time of its placement (art. 8.5); a longer one is placed anew, with a new reason.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(5 * 365 + 1);

    public async Task<IResult> PlaceAsync(ClaimsPrincipal user, string pseudonymText, LegalHoldRequest request, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var now = time.GetUtcNow();
        var (state, role, decision) = await DecideAsync(user, pseudonymText, PlaceAction, engine, now, cancellationToken);
        if (await RefuseAsync(user, state, role, decision, PlaceOperation, "Not allowed to place a legal hold", engine, now, cancellationToken) is { } refused)
        {
            return refused;
        }

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
            await accessLog.AppendAsync(RetentionRecords.For(user, AccessEventKind.LegalHold, PlaceOperation, AccessDecision.Error, now, engine, state!.Pseudonym, decision.Rule, role?.Name()), cancellationToken);
            return Problems.BadRequest("The legal hold is incomplete", problems);
        }

        var id = Guid.CreateVersion7(now);
        SealedReason sealedReason;
        try
        {
            sealedReason = await reasons.SealAsync(state!.Pseudonym, id, request.Reason!.Trim(), cancellationToken);
        }
        catch (CategoryDestroyedException)
        {
            await accessLog.AppendAsync(RetentionRecords.For(user, AccessEventKind.LegalHold, PlaceOperation, AccessDecision.Error, now, engine, state!.Pseudonym, decision.Rule, role?.Name()), cancellationToken);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The case's data is destroyed",
                detail: "The keys of this case were destroyed; there is nothing left for a legal hold to keep.");
        }

        // Recorded before it takes effect: if the log cannot take it, the hold is not placed.
        var partner = user.PartnerOf()!;
        await accessLog.AppendAsync(
            RetentionRecords.For(user, AccessEventKind.LegalHold, PlaceOperation, AccessDecision.Permit, now, engine, state.Pseudonym, decision.Rule, role?.Name(), id.ToString("N")),
            cancellationToken);
        var placedAt = await holds.PlaceAsync(new LegalHoldRow
        {
            Id = id,
            Case = state.Pseudonym.Value,
            PlacedByPartner = partner,
            PlacedByUser = user.UserOf()!,
            Until = request.Until!.Value.ToUniversalTime(),
            ReasonKeyVersion = sealedReason.KeyVersion,
            ReasonCiphertext = sealedReason.Ciphertext,
        }, cancellationToken);
        RetentionMessages.HoldPlaced(logger, id, partner, request.Until!.Value);
        return TypedResults.Created($"/cases/{state.Pseudonym.Value}/holds/{id:D}", new LegalHoldPlaced(id, state.Pseudonym.Value, placedAt, request.Until!.Value.ToUniversalTime()));
    }

    public async Task<IResult> LiftAsync(ClaimsPrincipal user, string pseudonymText, string idText, CancellationToken cancellationToken)
    {
        var engine = policy.Current;
        var now = time.GetUtcNow();
        var (state, role, decision) = await DecideAsync(user, pseudonymText, LiftAction, engine, now, cancellationToken);
        if (await RefuseAsync(user, state, role, decision, LiftOperation, "Not allowed to lift a legal hold", engine, now, cancellationToken) is { } refused)
        {
            return refused;
        }

        var hold = Guid.TryParse(idText, out var id) ? await holds.FindAsync(state!.Pseudonym, id, cancellationToken) : null;
        if (hold is null)
        {
            await accessLog.AppendAsync(RetentionRecords.For(user, AccessEventKind.LegalHold, LiftOperation, AccessDecision.Error, now, engine, state!.Pseudonym, decision.Rule, role?.Name()), cancellationToken);
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Legal hold not found", detail: "This case has no legal hold with this id.");
        }

        if (hold.LiftedAt is not null || hold.Until <= now)
        {
            await accessLog.AppendAsync(RetentionRecords.For(user, AccessEventKind.LegalHold, LiftOperation, AccessDecision.Error, now, engine, state!.Pseudonym, decision.Rule, role?.Name(), id.ToString("N")), cancellationToken);
            return NoLongerActive();
        }

        var partner = user.PartnerOf()!;
        await accessLog.AppendAsync(
            RetentionRecords.For(user, AccessEventKind.LegalHold, LiftOperation, AccessDecision.Permit, now, engine, state!.Pseudonym, decision.Rule, role?.Name(), id.ToString("N")),
            cancellationToken);
        if (!await holds.LiftAsync(id, partner, cancellationToken))
        {
            return NoLongerActive();
        }

        RetentionMessages.HoldLifted(logger, id, partner);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NoLongerActive() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Legal hold no longer active", detail: "This legal hold was lifted or has ended.");

    /// <summary>
    /// The engine's decision on the partner's strongest role in any step of the case: a hold concerns the whole
    /// file, and is placed mostly after closure, when the partner may hold no role in the step the case ended in.
    /// A shell partner counts only while invited, with the role the default RASCI gives invited partners.
    /// </summary>
    private async Task<(CaseState? State, Role? Role, ActionDecision Decision)> DecideAsync(
        ClaimsPrincipal user, string pseudonymText, string action, PolicyEngine engine, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var partner = user.PartnerOf()!;
        PartnerId.TryParse(partner, out var partnerId);
        var state = CasePseudonym.TryParse(pseudonymText, out var pseudonym) ? await cases.FindAsync(pseudonym, cancellationToken) : null;
        Role? role = null;
        DateTimeOffset? invitedUntil = null;
        if (state is not null)
        {
            role = await holds.StrongestRoleAsync(state.Pseudonym, partner, cancellationToken);
            var standing = await cases.StandingAsync(state.Pseudonym, partner, state.Step, cancellationToken);
            invitedUntil = standing.InvitedUntil;
            if (role is null && invitedUntil is not null)
            {
                role = StrongestShellRole(engine.Set);
            }
        }

        StepId.TryParse(state?.Step ?? CaseBroker.IntakeStep, out var step);
        var decision = engine.DecideAction(partnerId, role, step, state?.Status ?? CaseStatus.Open, action, now, invitedUntil);
        return (state, role, decision);
    }

    private static Role? StrongestShellRole(PolicySet set)
    {
        var roles = set.Rules.Rasci!.Steps.Aggregate((byte)0, (all, step) => (byte)(all | step.ShellRoles));
        for (var r = 0; r < Roles.Count; r++)
        {
            if ((roles & (1 << r)) != 0)
            {
                return (Role)r;
            }
        }

        return null;
    }

    /// <summary>Records and answers a refusal (404 without standing, 403 with it); null when the action is permitted.</summary>
    private async Task<IResult?> RefuseAsync(
        ClaimsPrincipal user, CaseState? state, Role? role, ActionDecision decision, string operation, string title, PolicyEngine engine,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (state is not null && !decision.CaseHidden && decision.Permitted)
        {
            return null;
        }

        RetentionMessages.HoldRefused(logger, user.PartnerOf()!, decision.Rule.RuleId);
        await accessLog.AppendAsync(
            RetentionRecords.For(user, AccessEventKind.LegalHold, operation, AccessDecision.Deny, now, engine, state?.Pseudonym, decision.Rule, role?.Name()),
            cancellationToken);
        return state is null || decision.CaseHidden
            ? Problems.CaseNotFound()
            : Problems.Forbidden(title, decision.Describe(), decision.Rule);
    }
}
