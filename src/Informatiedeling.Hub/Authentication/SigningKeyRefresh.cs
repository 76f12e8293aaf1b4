using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Informatiedeling.Hub.Authentication;

/// <summary>
/// One issuer's wait for signing keys it has not published yet (the provider rotated). At most one refresh runs at
/// a time; requests that arrive meanwhile join it, and none waits longer than <paramref name="wait"/>. Within
/// <paramref name="refreshInterval"/> of a refresh the metadata is not fetched again anyway, so a key id still
/// unknown then is refused at once: a stream of made-up key ids cannot hold connections open.
/// </summary>
/// <remarks>
/// The wall clock, not the hub's <see cref="TimeProvider"/>: this bounds a network wait, and it mirrors the
/// configuration manager's own refresh interval, which runs on the wall clock.
/// </remarks>
internal sealed class SigningKeyRefresh(TimeSpan refreshInterval, TimeSpan wait)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly Lock _gate = new();
    private Task<OpenIdConnectConfiguration>? _refresh;
    private long _refreshStarted;

    /// <summary>The issuer's signing keys once they include <paramref name="kid"/>; null when they do not (yet).</summary>
    public async Task<ICollection<SecurityKey>?> KeysWithAsync(
        string kid, IConfigurationManager<OpenIdConnectConfiguration> manager, CancellationToken cancellationToken)
    {
        var known = await manager.GetConfigurationAsync(cancellationToken);
        if (Holds(known, kid))
        {
            return known.SigningKeys;
        }

        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        Task<OpenIdConnectConfiguration> refresh;
        lock (_gate)
        {
            if (_refresh is { IsCompleted: false } running)
            {
                refresh = running;
            }
            else if (_refresh is not null && TimeProvider.System.GetElapsedTime(_refreshStarted) < refreshInterval)
            {
                return null; // refreshed a moment ago without this key, and the manager would not fetch again yet
            }
            else
            {
                _refreshStarted = TimeProvider.System.GetTimestamp();
                refresh = _refresh = RefreshAsync(manager, known);
            }
        }

        try
        {
            var configuration = await refresh.WaitAsync(wait, cancellationToken);
            return Holds(configuration, kid) ? configuration.SigningKeys : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Asks for the metadata anew and waits, at most <c>wait</c>, for a configuration other than <paramref name="known"/>.</summary>
    private async Task<OpenIdConnectConfiguration> RefreshAsync(IConfigurationManager<OpenIdConnectConfiguration> manager, OpenIdConnectConfiguration known)
    {
        // Not tied to the request that started it: the requests that joined it are waiting for it too.
        using var bound = new CancellationTokenSource(wait);
        manager.RequestRefresh();
        var configuration = known;
        try
        {
            while (ReferenceEquals(configuration, known))
            {
                await Task.Delay(Poll, bound.Token);
                configuration = await manager.GetConfigurationAsync(bound.Token);
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // The provider did not answer in time: the keys stay as they were.
        }
        catch (InvalidOperationException)
        {
            // The metadata could not be fetched (the manager says so this way): the keys stay as they were.
        }

        return configuration;
    }

    private static bool Holds(OpenIdConnectConfiguration configuration, string kid) =>
        configuration.SigningKeys.Any(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));
}
