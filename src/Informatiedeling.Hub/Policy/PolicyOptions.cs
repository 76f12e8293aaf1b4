using System.ComponentModel.DataAnnotations;

namespace Informatiedeling.Hub.Policy;

/// <summary>Where the hub reads the convenant and the sharing rules. Defaults: the copies shipped beside the hub.</summary>
public sealed class PolicyOptions
{
    public const string Section = "Policy";

    [Required]
    public string Convenant { get; set; } = Path.Combine(AppContext.BaseDirectory, "convenant", "convenant.yaml");

    [Required]
    public string Directory { get; set; } = Path.Combine(AppContext.BaseDirectory, "policies");

    /// <summary>
    /// How often an instance looks which version is in force: all instances switch within this time of an activation
    /// taking effect. The folder above is read only to give an empty database its first version.
    /// </summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many days of recorded decisions a proposal's impact replays.</summary>
    [Range(1, 3660)]
    public int ReplayDays { get; set; } = 90;
}
