namespace Informatiedeling.Hub.Cases;

/// <summary>What the OpenAPI document says every case route may answer besides its success.</summary>
internal static class CaseRouteMetadata
{
    /// <summary>400 for a bad request, 403 for a refusal by the convenant, 404 for a case the caller has no standing on (or that does not exist).</summary>
    public static RouteHandlerBuilder ProducesCaseRefusals(this RouteHandlerBuilder route) =>
        route
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
