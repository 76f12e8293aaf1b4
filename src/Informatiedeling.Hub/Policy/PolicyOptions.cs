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

    /// <summary>Reload the rules when a policy file changes (a refused change keeps the set in force).</summary>
    public bool WatchForChanges { get; set; } = true;
}
