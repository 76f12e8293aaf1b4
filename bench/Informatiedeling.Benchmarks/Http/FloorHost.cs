using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Informatiedeling.Benchmarks.Http;

/// <summary>
/// The floor the hub's read is measured against: a bare endpoint, outside the product, that does what a read
/// cannot do without — validate the same bearer token with the same JwtBearer checks against the same issuer,
/// read the case row and its fields with the same queries, and commit one row (synchronous commit) before it
/// answers. No policy decision, no decryption, no tamper-evident log: what the hub does beyond this is its cost.
/// Runs as its own process (<c>http-floor</c>), as the hub does, so both are measured the same way.
/// </summary>
internal static class FloorHost
{
    public const string TableSql =
        "CREATE TABLE IF NOT EXISTS bench_floor_reads (id uuid PRIMARY KEY, occurred_at timestamptz NOT NULL, actor_user text NOT NULL, case_pseudonym text NOT NULL, fields integer NOT NULL)";

    /// <summary>What veilig-thuis in role R may read under signalering-en-weging: every category but the fenced criminal one.</summary>
    public static readonly string[] Categories = ["statisch", "dynamisch", "exceptioneel", "melder-identiteit"];

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Arguments: <c>--urls</c>, <c>--Floor:Connection</c>, <c>--Floor:Issuer</c>, <c>--Floor:Audience</c>, <c>--Floor:Partner</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var issuer = builder.Configuration["Floor:Issuer"]!;
        var audience = builder.Configuration["Floor:Audience"]!;
        var partner = builder.Configuration["Floor:Partner"]!;
        // Statements prepared as the hub prepares its own.
        var connection = Informatiedeling.Storage.PostgresConnections.WithHubDefaults(builder.Configuration["Floor:Connection"]!);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connection));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            // The hub's checks for a trusted issuer (AuthenticationSetup), one for one.
            jwt.Authority = issuer;
            jwt.Audience = audience;
            jwt.RequireHttpsMetadata = false;
            jwt.MapInboundClaims = false;
            jwt.RefreshOnIssuerKeyNotFound = true;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidateIssuer = true,
                ValidAudience = audience,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                TryAllIssuerSigningKeys = false,
                ValidAlgorithms = AsymmetricAlgorithms,
                ValidTypes = ["at+jwt"],
                NameClaimType = "sub",
            };
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (context.Principal!.FindFirst("partner")?.Value != partner || context.Principal.FindFirst("sub") is null)
                    {
                        context.Fail("not the partner this floor serves");
                    }

                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorization();

        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health/ready", () => TypedResults.Ok());
        app.MapGet("/cases/{pseudonym}/data", ReadAsync).RequireAuthorization();
        await app.RunAsync();
        return 0;
    }

    private static async Task<IResult> ReadAsync(string pseudonym, string? purpose, ClaimsPrincipal user, NpgsqlDataSource data, CancellationToken cancellationToken)
    {
        await using var connection = await data.OpenConnectionAsync(cancellationToken);
        string step;
        await using (var find = new NpgsqlCommand("SELECT c.pseudonym, c.blind_index, c.closed_at, c.closure_reason, c.created_at, c.status, c.step FROM cases AS c WHERE c.pseudonym = $1 LIMIT 2", connection))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = pseudonym });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return TypedResults.NotFound();
            }

            step = reader.GetString(6);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand(
            "SELECT c.case_pseudonym, c.field, c.category, c.ciphertext, c.key_version, c.updated_at FROM case_fields AS c WHERE c.case_pseudonym = $1 AND c.category = ANY ($2) ORDER BY c.field", connection))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = pseudonym });
            read.Parameters.Add(new NpgsqlParameter { Value = Categories });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                fields[reader.GetString(1)] = Convert.ToBase64String((byte[])reader[3]);
            }
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO bench_floor_reads (id, occurred_at, actor_user, case_pseudonym, fields) VALUES ($1, $2, $3, $4, $5)", connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
            insert.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.FindFirst("sub")!.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = pseudonym });
            insert.Parameters.Add(new NpgsqlParameter { Value = fields.Count });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return TypedResults.Ok(new FloorData(pseudonym, step, purpose, fields));
    }

    private sealed record FloorData(string Pseudonym, string Step, string? Purpose, Dictionary<string, string> Fields);
}
