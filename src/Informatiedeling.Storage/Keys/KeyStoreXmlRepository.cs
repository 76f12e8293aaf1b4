using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Keys;

/// <summary>Keeps the Data Protection key ring in the key store, so that every hub instance shares one ring.</summary>
internal sealed class KeyStoreXmlRepository(IDbContextFactory<KeyStoreDbContext> factory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = factory.CreateDbContext();
        return [.. db.KeyRing.AsNoTracking().OrderBy(x => x.Name).AsEnumerable().Select(x => XElement.Parse(x.Xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = factory.CreateDbContext();
        db.KeyRing.Add(new KeyRingElementRow { Name = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
