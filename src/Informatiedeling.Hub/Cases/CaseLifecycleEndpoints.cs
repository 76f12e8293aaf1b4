using Informatiedeling.Hub.Access;

namespace Informatiedeling.Hub.Cases;

/// <summary>The case lifecycle: summary, weighings, writes, moving through the steps, process direction, closure.</summary>
internal static class CaseLifecycleEndpoints
{
    public static void MapLifecycleEndpoints(this RouteGroupBuilder cases)
    {
        cases.MapGet("/{pseudonym}", (string pseudonym, HttpContext http, CaseSummaries summaries) => summaries.GetAsync(http.User, pseudonym, http.RequestAborted))
            .WithRoute(CaseSummaries.Summary, "GetCaseSummary")
            .WithSummary("A case's metadata (step, status, dates, the steps it went through) and your role in its current step; for any role on that step, I included.");

        cases.MapPost("/{pseudonym}/weighings", (string pseudonym, WeighingRequest request, HttpContext http, CaseWrites writes) =>
                writes.WeighAsync(http.User, pseudonym, request, http.RequestAborted))
            .WithRoute(CaseWrites.Weighing, "RecordWeighing")
            .WithSummary("Record the first or second weighing (weging-vastleggen): fields of that weighing only, in categories the caller may receive here.");

        cases.MapPut("/{pseudonym}/fields", (string pseudonym, FieldsRequest request, HttpContext http, CaseWrites writes) =>
                writes.WriteFieldsAsync(http.User, pseudonym, request, http.RequestAborted))
            .WithRoute(CaseWrites.Fields, "WriteCaseFields")
            .WithSummary("Write fields of the client file under a declared purpose (velden-schrijven): each field's category must be releasable to the caller's role under that purpose in the current step.");

        cases.MapPost("/{pseudonym}/step", (string pseudonym, StepRequest request, HttpContext http, CaseProcess process) =>
                process.FinishStepAsync(http.User, pseudonym, request, http.RequestAborted))
            .WithRoute(CaseProcess.Step, "FinishStep")
            .WithSummary("Finish the current step and move the case to the next (stap-afronden); 409 when the case is no longer in the step given as from, or is in the last step.");

        cases.MapPut("/{pseudonym}/rasci/{step}", (string pseudonym, string step, RasciRequest request, HttpContext http, CaseDirection direction) =>
                direction.SetRolesAsync(http.User, pseudonym, step, request, http.RequestAborted))
            .WithRoute(CaseDirection.Rasci, "SetStepRoles")
            .WithSummary("Process direction sets the core partners' RASCI roles of one step (rasci-instellen); they replace the core partners' roles of that step.");

        cases.MapPost("/{pseudonym}/invitations", (string pseudonym, InvitationRequest request, HttpContext http, CaseDirection direction) =>
                direction.InviteAsync(http.User, pseudonym, request, http.RequestAborted))
            .WithRoute(CaseDirection.Invite, "InviteShellPartner")
            .WithSummary("Process direction invites a shell partner until a moment in the future (rasci-instellen); it then holds the invited shell partners' roles, and none after that moment.");

        cases.MapDelete("/{pseudonym}/invitations/{partner}", (string pseudonym, string partner, HttpContext http, CaseDirection direction) =>
                direction.WithdrawAsync(http.User, pseudonym, partner, http.RequestAborted))
            .WithRoute(CaseDirection.Withdraw, "WithdrawInvitation")
            .WithSummary("Process direction ends a shell partner's invitation now, with its roles on the case (rasci-instellen).");

        cases.MapPost("/{pseudonym}/closure", (string pseudonym, ClosureRequest request, HttpContext http, CaseProcess process) =>
                process.CloseAsync(http.User, pseudonym, request, http.RequestAborted))
            .WithRoute(CaseProcess.Close, "CloseCase")
            .WithSummary("Close the case with one of the convenant's closure reasons (dossier-sluiten); the anonymous evaluation record is written in the same transaction.");
    }
}
