using Informatiedeling.Hub.Access;
using Informatiedeling.Hub.Hosting;

namespace Informatiedeling.Hub.PolicyAdministration;

/// <summary>The sharing rules' routes: which version is in force, the versions, and the proposals' four-eyes flow.</summary>
internal static class PolicyEndpoints
{
    public static IServiceCollection AddPolicyAdministration(this IServiceCollection services) => services
        .AddSingleton<PolicyVersionCache>()
        .AddSingleton<PolicyImpact>()
        .AddSingleton<PolicyProposals>()
        .AddHostedService<ScheduledActivations>();

    public static void MapPolicyEndpoints(this WebApplication app)
    {
        var policy = app.MapGroup("/policy").RequireAuthorization().RequireRateLimiting(RateLimiting.PerUser).WithTags("Policy");
        policy.MapGet("/active", (HttpContext http, PolicyProposals proposals) => proposals.ActiveAsync(http.User, http.RequestAborted))
            .WithRoute(PolicyProposals.ActiveRoute, "GetActivePolicy")
            .Produces(StatusCodes.Status401Unauthorized)
            .WithSummary("The policy version every instance decides under now (its content hash, which each decision records), and an activation scheduled after it.");
        policy.MapGet("/versions", (HttpContext http, PolicyProposals proposals) => proposals.VersionsAsync(http.User, http.RequestAborted))
            .WithRoute(PolicyProposals.VersionsRoute, "ListPolicyVersions")
            .WithSummary("Every stored policy version and every activation (the functional administrator and the privacy officer).");
        policy.MapGet("/versions/{hash}", (string hash, HttpContext http, PolicyProposals proposals) => proposals.VersionAsync(http.User, hash, http.RequestAborted))
            .WithRoute(PolicyProposals.VersionRoute, "GetPolicyVersion")
            .WithSummary("One version's files and policy tests, by content hash ('active' for the version in force): what 'infodeel policy pull' writes.");
        policy.MapGet("/proposals", (HttpContext http, PolicyProposals proposals) => proposals.ListAsync(http.User, http.RequestAborted))
            .WithRoute(PolicyProposals.ListRoute, "ListPolicyProposals")
            .WithSummary("The proposals, newest first, with their status (open, approved, scheduled, activated, rejected).");
        policy.MapGet("/proposals/{id}", (string id, HttpContext http, PolicyProposals proposals) => proposals.ShowAsync(http.User, id, http.RequestAborted))
            .WithRoute(PolicyProposals.ShowRoute, "GetPolicyProposal")
            .WithSummary("One proposal: its files, the diff by meaning and by text against the version it was made on, the replayed impact, the decisions on it.");
        policy.MapPost("/proposals", (ProposalRequest request, HttpContext http, PolicyProposals proposals) => proposals.ProposeAsync(http.User, request, http.RequestAborted))
            .WithRoute(PolicyProposals.ProposeRoute, "ProposePolicy")
            .WithSummary("Propose a change of the sharing rules (the functional administrator).")
            .WithDescription(
                "Body { \"title\": \"…\", \"files\": { \"purposes.yaml\": \"…\", \"tests/purposes.yaml\": \"…\" }, \"remove\": [\"…\"], \"from\": \"<hash>\" }: " +
                "the files to add or replace on the version in force (or on the earlier version 'from', to roll back). Validated under the hub's convenant " +
                "and its policy tests, which must all pass with every rule covered; a refusal lists every problem with file, line and column, and nothing changes. " +
                "Recorded in the access log (proposed, validated) before the proposal is there.");
        policy.MapPut("/proposals/{id}", (string id, ProposalRequest request, HttpContext http, PolicyProposals proposals) => proposals.ReviseAsync(http.User, id, request, http.RequestAborted))
            .WithRoute(PolicyProposals.ReviseRoute, "RevisePolicyProposal")
            .WithSummary("A new revision of a proposal, by its author: validated again; any approval is void.");
        policy.MapPost("/proposals/{id}/impact", (string id, HttpContext http, PolicyProposals proposals) => proposals.ReplayAsync(http.User, id, http.RequestAborted))
            .WithRoute(PolicyProposals.ReplayRoute, "ReplayPolicyProposal")
            .WithSummary("Replay the recorded decisions of the last Policy:ReplayDays days under the proposal: permit to deny, deny to permit, changed categories, per partner, purpose and category.")
            .WithDescription("Each record is first decided again under the version it names; a replay that does not reproduce them says it is untrusted and lists the mismatches. No personal data: record numbers, partners, purposes, categories.");
        policy.MapPost("/proposals/{id}/approval", (string id, ApprovalRequest request, HttpContext http, PolicyProposals proposals) => proposals.ApproveAsync(http.User, id, request, http.RequestAborted))
            .WithRoute(PolicyProposals.ApproveRoute, "ApprovePolicyProposal")
            .WithSummary("Approve one revision (a privacy officer who is not the author), after its impact was replayed.")
            .WithDescription("Body { \"revision\": 2, \"acknowledgeWidening\": true }: a proposal that widens what any partner receives needs the acknowledgement; another revision than the current one is refused (409).");
        policy.MapPost("/proposals/{id}/rejection", (string id, RejectionRequest request, HttpContext http, PolicyProposals proposals) => proposals.RejectAsync(http.User, id, request, http.RequestAborted))
            .WithRoute(PolicyProposals.RejectRoute, "RejectPolicyProposal")
            .WithSummary("Reject a proposal with a reason (a privacy officer); final.");
        policy.MapPost("/proposals/{id}/activation", (string id, ActivationRequest request, HttpContext http, PolicyProposals proposals) => proposals.ActivateAsync(http.User, id, request, http.RequestAborted))
            .WithRoute(PolicyProposals.ActivateRoute, "ActivatePolicyProposal")
            .WithSummary("Activate the approved revision for every instance, at once or from 'at' (an instant within a year).")
            .WithDescription("Body { \"revision\": 2, \"at\": \"2027-01-01T00:00:00Z\" }. Refused (409) when not approved, when the rules in force are no longer those it was made on, or while another activation is scheduled.");
    }
}

/// <summary>Marks scheduled proposals activated once their moment has passed (the instances switch on their own, through <see cref="Policy.PolicySync"/>).</summary>
internal sealed partial class ScheduledActivations(PolicyProposals proposals, Microsoft.Extensions.Options.IOptions<Policy.PolicyOptions> options, ILogger<ScheduledActivations> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SyncInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await proposals.MarkActivatedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MarkFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(2006, LogLevel.Warning, "Could not mark scheduled policy activations ({Error}); they are in force all the same")]
    private static partial void MarkFailed(ILogger logger, string error);
}
