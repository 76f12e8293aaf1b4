using System.Globalization;

namespace Informatiedeling.Hub.Monitoring;

/// <summary>
/// Statistical disclosure control for the monitoring figures: no published figure may be about one case (or a handful).
/// </summary>
internal static class SmallCounts
{
    /// <summary>Counts below this are never shown.</summary>
    public const int Threshold = 5;

    public const string Hidden = "<5";

    public static string One(int count) => count < Threshold ? Hidden : count.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One dimension (every key of <paramref name="keys"/>, in order, 0 where absent). Counts below the threshold are
    /// hidden; when that hides exactly one count, the smallest shown count is hidden too, because the one hidden count
    /// would otherwise follow from the total minus the others.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Dimension(IEnumerable<string> keys, IReadOnlyDictionary<string, int> counts)
    {
        var cells = keys.Select(k => (Key: k, Count: counts.GetValueOrDefault(k))).ToList();
        var hidden = cells.Where(c => c.Count < Threshold).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        if (hidden.Count == 1 && cells.Count > 1)
        {
            hidden.Add(cells.Where(c => !hidden.Contains(c.Key)).MinBy(c => c.Count).Key);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, count) in cells)
        {
            result[key] = hidden.Contains(key) ? Hidden : count.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }
}
