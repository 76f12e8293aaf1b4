namespace Informatiedeling.Cli.Database;

/// <summary>
/// Where the hub's data folder is: the one named (<c>--data</c>, else <c>Storage__DataDirectory</c>), else the first
/// that exists of <c>./data</c> (run beside the hub) and <c>./src/Informatiedeling.Hub/data</c> (run from the
/// checkout root, where <c>dotnet run --project src/Informatiedeling.Hub</c> puts it). Only a command that exists
/// to create one may go on without finding it; every other one says where it looked and what to pass.
/// </summary>
internal static class DataFolder
{
    public const string DefaultName = "data";

    /// <summary>Relative to the checkout root: the folder of a hub started with <c>dotnet run --project src/Informatiedeling.Hub</c>.</summary>
    private static readonly string CheckoutHubData = Path.Combine("src", "Informatiedeling.Hub", DefaultName);

    /// <summary>The folder to use, or a one-line reason there is none.</summary>
    public static (string? Folder, string? Problem) Find(string? named, bool mayCreate, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(named))
        {
            var folder = Path.GetFullPath(named, currentDirectory);
            return mayCreate || Directory.Exists(folder)
                ? (folder, null)
                : (null, $"the data folder '{folder}' does not exist. Pass --data with the hub's data folder (its Storage:DataDirectory), or create one with 'infodeel db migrate --data <folder>'.");
        }

        string[] candidates = [Path.Combine(currentDirectory, DefaultName), Path.Combine(currentDirectory, CheckoutHubData)];
        if (candidates.FirstOrDefault(Directory.Exists) is { } found)
        {
            return (found, null);
        }

        return mayCreate
            ? (candidates[0], null)
            : (null, $"no hub data folder found (looked in '{candidates[0]}' and '{candidates[1]}'). Pass --data with the hub's data folder " +
                "(or set Storage__DataDirectory), or create one with 'infodeel db migrate --data <folder>'.");
    }
}
