using Informatiedeling.Hub.Tests.ClientFile;
using Informatiedeling.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Informatiedeling.Hub.Tests.Hosting;

/// <summary>The hub keeps its hot statements prepared on PostgreSQL and skips the session reset of pooled connections, unless the operator's connection string says otherwise.</summary>
public sealed class PostgresConnectionsTests
{
    [Fact]
    public void Automatic_preparation_is_on_unless_the_connection_string_sets_it()
    {
        Assert.Equal(PostgresConnections.MaxAutoPrepare, new NpgsqlConnectionStringBuilder(PostgresConnections.WithHubDefaults("Host=db;Database=hub")).MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PostgresConnections.WithHubDefaults("Host=db;Database=hub;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(10, new NpgsqlConnectionStringBuilder(PostgresConnections.WithHubDefaults("Host=db;maxautoprepare=10")).MaxAutoPrepare);
    }

    [Fact]
    public void Pooled_connections_are_not_reset_unless_the_connection_string_asks_for_it()
    {
        Assert.True(new NpgsqlConnectionStringBuilder(PostgresConnections.WithHubDefaults("Host=db;Database=hub")).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(PostgresConnections.WithHubDefaults("Host=db;Database=hub;No Reset On Close=false")).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(PostgresConnections.WithHubDefaults("Host=db;noresetonclose=false")).NoResetOnClose);
    }

    [Fact]
    public async Task A_query_the_hub_repeats_is_prepared_on_the_server()
    {
        await using var hub = await HubFactory.OnPostgresAsync();
        var pseudonym = await hub.Store().CreateAsync("melding", null, ClientFiles.SampleFields("p"), CancellationToken.None);
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await db.Database.OpenConnectionAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Pseudonym == pseudonym.Value));
        }

        var prepared = await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync();
        Assert.Contains(prepared, s => s.Contains("FROM cases", StringComparison.Ordinal));
    }
}
