using Informatiedeling.Hub.AccessHistory;
using Informatiedeling.Hub.Authentication;
using Informatiedeling.Hub.Cases;
using Informatiedeling.Hub.Health;
using Informatiedeling.Hub.LogReview;
using Informatiedeling.Hub.Monitoring;
using Informatiedeling.Hub.Policy;
using Informatiedeling.Hub.PolicyAdministration;
using Informatiedeling.Hub.Retention;
using Informatiedeling.Hub.Web;
using Informatiedeling.Policy;
using Informatiedeling.Storage;
using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Keys;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Informatiedeling.Hub.Hosting;

/// <summary>How the hub is put together: services, the request pipeline, and what happens before it serves.</summary>
internal static class HubHosting
{
    /// <summary>Largest request body the hub accepts; a client file update is a few kilobytes.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    public static WebApplicationBuilder AddHub(this WebApplicationBuilder builder)
    {
        var storage = ResolveStorage(builder.Configuration, builder.Environment.ContentRootPath);
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(KeyCache(builder.Configuration));
        builder.Services.AddHubStorage(storage, KeyProtection(builder.Configuration, storage, development));
        builder.Services.AddAccessLog(AccessLog(builder.Configuration, storage, development)).AddAccessLogCheckpoints();
        builder.AddHubRetention(storage);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxRequestBodyBytes);

        builder.Services.AddRequestBodyValidation();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // A trace id lets an operator find the log lines of a failed request without any case data.
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.AddHubAuthentication();
        builder.AddHubRateLimiting();
        builder.Services.AddSingleton<CaseBroker>();
        builder.Services.AddCaseLifecycle();
        builder.Services.AddLogReview();
        builder.Services.AddPolicyAdministration();
        builder.Services.AddRetentionApi();
        builder.Services.AddHubPages(builder.Environment);
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<PolicyReadyCheck>("policy", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<AccessLogReadyCheck>("access-log", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<AccessLogCheckpointCheck>("access-log-checkpoint", tags: [HealthEndpoints.ReadyTag]);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.Section)
            .PostConfigure(o =>
            {
                // Relative paths in configuration are relative to the hub's content root, not to the shell's folder.
                o.Convenant = Path.GetFullPath(o.Convenant, contentRoot);
                o.Directory = Path.GetFullPath(o.Directory, contentRoot);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<PolicyHolder>();
        builder.Services.AddSingleton<PolicyRefusal>();
        builder.Services.AddSingleton<PolicyLoading>();
        builder.Services.AddHostedService<PolicySync>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        // A person's browser gets a Dutch page for an error without one (a refused form, a failure); a system gets problem JSON.
        app.UseWhen(WantsPage, page =>
        {
            page.UseExceptionHandler("/fout/500");
            page.UseStatusCodePagesWithReExecute("/fout/{0}");
        });
        app.UseWhen(context => !WantsPage(context), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });

        // Routing after the error pages, so that a re-executed request is routed afresh to its error page.
        app.UseRouting();
        app.UseSecurityHeaders(SecurityHeaders.ProviderOrigins(
            app.Configuration.GetSection(HubAuthenticationOptions.Section).Get<HubAuthenticationOptions>() ?? new()));
        app.UsePerAddressRateLimiter();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UsePerUserRateLimiter();
        app.MapOpenApi();
        app.MapHealthEndpoints();
        app.MapIdentityEndpoints();
        app.MapBackChannelLogout();
        app.MapCaseEndpoints();
        app.MapMonitoringEndpoints();
        app.MapRetentionEndpoints();
        app.MapMyAccessEndpoints();
        app.MapLogReviewEndpoints();
        app.MapLogIntegrityEndpoints();
        app.MapSubjectReportEndpoints();
        app.MapLogFlagsEndpoints();
        app.MapReviewEndpoints();
        app.MapPolicyEndpoints();
        app.MapRazorPages();
        return app;
    }

    /// <summary>A browser asking for a page (it accepts HTML), as opposed to a system calling the API.</summary>
    private static bool WantsPage(HttpContext context) =>
        context.Request.Headers.Accept.Any(value => value?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>Everything that must hold before the first request: the schema is current and a policy set is in force.</summary>
    public static async Task PrepareAsync(this WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        }
        catch (StorageUnavailableException e)
        {
            throw new HubStartupException(e.Message, e);
        }

        try
        {
            await app.Services.OpenKeyStoreAsync(cancellationToken);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new HubStartupException(
                "The key store's key ring cannot be decrypted with this hub's key-ring certificate. Every hub instance on " +
                "one key store must use the same Keys:CertificatePath; restore the certificate the key ring was made with.", e);
        }
        await app.Services.GetRequiredService<PolicyLoading>().LoadInitialAsync(cancellationToken);

        // The access log's writer is ready before the first request that has to be recorded.
        _ = app.Services.GetRequiredService<IAccessLog>();
    }

    /// <summary>
    /// The certificate that protects the key ring: <c>Keys:CertificatePath</c>, a mounted secret shared by every
    /// instance. Only a development hub creates one (in the data folder unless the path is set); anywhere else a
    /// missing setting or file stops start-up, since a certificate made on the spot would differ per instance and lie
    /// in every backup of the data folder.
    /// </summary>
    private static KeyProtectionSettings KeyProtection(IConfiguration configuration, StorageSettings storage, bool development)
    {
        var path = configuration["Keys:CertificatePath"];
        if (string.IsNullOrWhiteSpace(path) && !development)
        {
            throw new HubStartupException(
                "Keys:CertificatePath is not set; outside Development the hub does not create its key-ring certificate. " + CreateCertificateHint);
        }

        var settings = string.IsNullOrWhiteSpace(path)
            ? KeyProtectionSettings.Default(storage.DataDirectory)
            : new KeyProtectionSettings(Path.GetFullPath(path), configuration["Keys:CertificatePassword"]) { CreateWhenMissing = development };
        try
        {
            settings.Open().Dispose();
            return settings;
        }
        catch (FileNotFoundException e)
        {
            throw new HubStartupException(
                $"The key-ring certificate '{settings.CertificatePath}' (Keys:CertificatePath) does not exist; outside Development the hub does not create it. " +
                CreateCertificateHint, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new HubStartupException(
                $"The key-ring certificate '{settings.CertificatePath}' cannot be read or created ({e.GetType().Name}). " +
                "Check Keys:CertificatePath and Keys:CertificatePassword.", e);
        }
    }

    /// <summary>
    /// The bounds of the cache of unwrapped data keys. The lifetime is also how long a key destroyed elsewhere (another
    /// instance, <c>infodeel retention run</c>) may still be used here, so it is kept short.
    /// </summary>
    private static KeyCacheSettings KeyCache(IConfiguration configuration)
    {
        var defaults = KeyCacheSettings.Default;
        var sizeText = configuration["Keys:CacheSize"];
        var size = defaults.Size;
        if (!string.IsNullOrWhiteSpace(sizeText)
            && (!int.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size < 1))
        {
            throw new HubStartupException($"Keys:CacheSize '{sizeText}' is not a positive number of keys such as '10000'.");
        }

        var lifetimeText = configuration["Keys:CacheLifetime"];
        var lifetime = defaults.Lifetime;
        if (!string.IsNullOrWhiteSpace(lifetimeText)
            && (!TimeSpan.TryParse(lifetimeText, System.Globalization.CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromHours(1)))
        {
            throw new HubStartupException(
                $"Keys:CacheLifetime '{lifetimeText}' is not a time span above zero and at most an hour such as '00:00:30'; it bounds how long a destroyed key stays usable on other instances.");
        }

        return new KeyCacheSettings(size, lifetime);
    }

    private const string CreateCertificateHint =
        "Create it once with 'Keys__CertificatePassword=… infodeel keys create-certificate --out <path>', mount the same file on every " +
        "instance, and set Keys:CertificatePath and Keys:CertificatePassword.";

    private const string CreateSigningKeyHint =
        "Create it once with 'infodeel log create-signing-key --out <path>' (or 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out <path>'), " +
        "mount the same file on every instance, off the database server, and set AccessLog:SigningKeyPath.";

    /// <summary>
    /// The access log's settings; the checkpoint signing key is read now, so a bad path stops start-up. As with the
    /// certificate, only a development hub creates the key.
    /// </summary>
    private static AccessLogSettings AccessLog(IConfiguration configuration, StorageSettings storage, bool development)
    {
        var configured = configuration["AccessLog:SigningKeyPath"];
        if (string.IsNullOrWhiteSpace(configured) && !development)
        {
            throw new HubStartupException(
                "AccessLog:SigningKeyPath is not set; outside Development the hub does not create its checkpoint signing key. " + CreateSigningKeyHint);
        }

        try
        {
            var settings = AccessLogSettings.Resolve(
                storage.DataDirectory, configured, configuration["AccessLog:CheckpointInterval"], configuration["AccessLog:Origin"])
                with { CreateSigningKeyWhenMissing = development };
            try
            {
                CheckpointKeyFile.Open(settings).Dispose();
            }
            catch (FileNotFoundException e)
            {
                throw new HubStartupException(
                    $"The access-log signing key '{settings.SigningKeyPath}' (AccessLog:SigningKeyPath) does not exist; outside Development the hub does not create it. " +
                    CreateSigningKeyHint, e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new HubStartupException(
                    $"The access-log signing key '{settings.SigningKeyPath}' cannot be read or created ({e.GetType().Name}). " +
                    "Check AccessLog:SigningKeyPath: a PEM file with a P-256 private key, or a path where one may be created.", e);
            }

            return settings;
        }
        catch (StorageConfigurationException e)
        {
            throw new HubStartupException(e.Message, e);
        }
    }

    private static StorageSettings ResolveStorage(IConfiguration configuration, string contentRoot)
    {
        var dataDirectory = configuration["Storage:DataDirectory"];
        dataDirectory = string.IsNullOrWhiteSpace(dataDirectory) ? "data" : dataDirectory;
        try
        {
            return StorageSettings.Resolve(
                configuration["Storage:Provider"],
                configuration.GetConnectionString("Hub"),
                Path.Combine(contentRoot, dataDirectory),
                configuration.GetConnectionString("Keys"));
        }
        catch (StorageConfigurationException e)
        {
            throw new HubStartupException(e.Message, e);
        }
    }
}

/// <summary>
/// Malformed or oversized requests are the client's fault: 400 or 413 as problem details, never 500, and recorded in
/// the access log as an error of the route's operation. A body the JSON reader refused names the member by its path.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems, RequestBodyAudit audit) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is Informatiedeling.Storage.AccessLog.AccessLogUnavailableException)
        {
            // Fail closed: without a durable log record nothing is released or changed.
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Access log unavailable", Detail = "The access log could not record this request, so nothing was released or changed. Retry later." },
                Exception = exception,
            });
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // Recorded before the answer, like every refusal; a log that cannot take it turns this into the 503 above.
        var feature = httpContext.Features.Get<IExceptionHandlerFeature>();
        await audit.RecordAsync(httpContext, feature?.Endpoint, feature?.RouteValues, cancellationToken);
        httpContext.Response.StatusCode = bad.StatusCode;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Malformed request",
            // The framework's message names the parameter or limit, never the submitted value.
            Detail = bad.Message,
        };
        if (bad.InnerException is System.Text.Json.JsonException json)
        {
            var (member, problem) = JsonProblem.Describe(json);
            details.Detail = $"{member}: {problem}";
            details.Extensions["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { [member] = [problem] };
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
