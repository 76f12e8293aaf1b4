using Informatiedeling.Policy.Engine;
using Informatiedeling.Policy.Loading;

namespace Informatiedeling.Policy;

/// <summary>
/// The policy set in force. A new set replaces it only when it loaded without a single error; a refused set
/// leaves the one in force untouched, so a typo in a policy file can never open or close access by accident.
/// </summary>
public sealed class PolicyHolder
{
    private PolicyEngine? _current;

    /// <summary>The engine of the set in force.</summary>
    /// <exception cref="InvalidOperationException">No set was ever loaded.</exception>
    public PolicyEngine Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("No policy set is in force.");

    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    /// <summary>Puts <paramref name="result"/>'s set in force if it loaded; returns whether it did.</summary>
    public bool TryReplace(PolicyLoadResult result)
    {
        if (result.Set is null)
        {
            return false;
        }

        Volatile.Write(ref _current, PolicyEngine.Compile(result.Set));
        return true;
    }
}
