using Informatiedeling.Hub.Hosting;

// The hub: a broker that shares case data between the partners of the chain approach against
// human trafficking only as their convenant allows, and logs every access.
var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddHub();
    var app = builder.Build();
    app.MapHub();
    await app.PrepareAsync(app.Lifetime.ApplicationStopping);
    await app.RunAsync();
    return 0;
}
catch (HubStartupException e)
{
    // One clear line, no stack trace: the operator needs what to change, not where we noticed.
    await Console.Error.WriteLineAsync($"Informatiedeling cannot start: {e.Message}");
    return 2;
}

/// <summary>Entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
