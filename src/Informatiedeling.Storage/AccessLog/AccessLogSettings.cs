namespace Informatiedeling.Storage.AccessLog;

/// <summary>Where the checkpoint signing key is, which log it names, and how often checkpoints are issued.</summary>
public sealed record AccessLogSettings(string SigningKeyPath, TimeSpan CheckpointInterval)
{
    public const string DefaultKeyFileName = "toegangslog-signing.pem";
    public const string DefaultOrigin = "informatiedeling.nl/toegangslog";
    public const string KeyName = "informatiedeling-toegangslog";

    /// <summary>The origin line of every checkpoint: which log it is of.</summary>
    public string Origin { get; init; } = DefaultOrigin;

    /// <summary>
    /// Whether the signing key is created when its file does not exist: for a development hub only. Elsewhere
    /// instances would each sign with a key of their own, which no witness can hold to one history.
    /// </summary>
    public bool CreateSigningKeyWhenMissing { get; init; }

    /// <summary>The defaults, with the key in <paramref name="dataDirectory"/> unless <paramref name="signingKeyPath"/> is given.</summary>
    public static AccessLogSettings Resolve(string dataDirectory, string? signingKeyPath, string? interval, string? origin)
    {
        var path = string.IsNullOrWhiteSpace(signingKeyPath) ? Path.Combine(dataDirectory, DefaultKeyFileName) : Path.GetFullPath(signingKeyPath);
        var every = TimeSpan.FromMinutes(1);
        if (!string.IsNullOrWhiteSpace(interval)
            && (!TimeSpan.TryParse(interval, System.Globalization.CultureInfo.InvariantCulture, out every) || every <= TimeSpan.Zero))
        {
            throw new StorageConfigurationException($"AccessLog:CheckpointInterval '{interval}' is not a positive time span such as '00:01:00'.");
        }

        return new AccessLogSettings(path, every) { Origin = string.IsNullOrWhiteSpace(origin) ? DefaultOrigin : origin };
    }
}
