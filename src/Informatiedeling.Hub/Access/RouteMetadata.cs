namespace Informatiedeling.Hub.Access;

/// <summary>Names an endpoint and hands it its <see cref="AccessRoute"/>, so that whatever refuses its request before the gate (an unreadable body) records the same operation.</summary>
internal static class RouteMetadata
{
    public static RouteHandlerBuilder WithRoute(this RouteHandlerBuilder endpoint, AccessRoute route, string name) =>
        endpoint.WithName(name).WithMetadata(route);

    /// <summary>The operation a request to <paramref name="endpoint"/> is recorded under: its route's, else its name.</summary>
    public static string OperationOf(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<AccessRoute>()?.Operation ?? endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "request";
}
