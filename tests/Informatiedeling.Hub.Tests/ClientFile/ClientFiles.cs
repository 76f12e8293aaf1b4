using Informatiedeling.Cases;
using Informatiedeling.Protection;
using Informatiedeling.Storage.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace Informatiedeling.Hub.Tests.ClientFile;

/// <summary>Test helpers: a client file with one field of every category, and readable results.</summary>
internal static class ClientFiles
{
    public const string AllCategories = "all";

    public static ClientFileStore Store(this HubFactory hub)
    {
        _ = hub.Server; // starts the hub: migrations, key store, policy set
        return hub.Services.GetRequiredService<ClientFileStore>();
    }

    /// <summary>Fields of every category with distinctive values (prefixed with <paramref name="marker"/> where free text).</summary>
    public static Dictionary<string, string> SampleFields(string marker) => new()
    {
        ["persoon.achternaam"] = $"{marker}-achternaam",
        ["persoon.voornamen"] = $"{marker}-voornamen",
        ["persoon.geboortedatum"] = "1999-04-12",
        ["persoon.adres"] = $"{marker}-adres",
        ["melding.inhoud"] = $"{marker}-inhoud",
        ["melding.uitbuitingsvorm"] = "arbeid",
        ["eerste-weging.doorlaatverbod"] = "true",
        ["eerste-weging.dreiging"] = $"{marker}-dreiging",
        ["tweede-weging.verslaving"] = $"{marker}-verslaving",
        ["voortgang.strafrechtelijk-onderzoek-notities"] = $"{marker}-opsporing",
        ["melding.melder-naam"] = $"{marker}-melder",
    };

    public static async Task<Dictionary<string, FieldRead>> ReadAllAsync(this ClientFileStore store, CasePseudonym pseudonym) =>
        (await store.ReadAsync(pseudonym, ulong.MaxValue, CancellationToken.None)).ToDictionary(f => f.Field, StringComparer.Ordinal);

    public static string NewMarker() => $"MRK{Guid.NewGuid():N}"[..24].ToUpperInvariant();
}
