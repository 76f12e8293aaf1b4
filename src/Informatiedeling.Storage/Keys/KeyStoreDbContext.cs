using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage.Keys;

/// <summary>
/// The key store, a database apart from the case database: the Data Protection key ring (encrypted at rest
/// with a certificate kept outside any database), wrapped data-encryption keys, wrapped hub secrets, and the
/// record of which keys were destroyed when. Nothing here is personal data.
/// </summary>
public sealed class KeyStoreDbContext(DbContextOptions<KeyStoreDbContext> options) : DbContext(options)
{
    public DbSet<KeyRingElementRow> KeyRing => Set<KeyRingElementRow>();

    public DbSet<CaseKeyRow> CaseKeys => Set<CaseKeyRow>();

    public DbSet<DestroyedKeyRow> DestroyedKeys => Set<DestroyedKeyRow>();

    public DbSet<HubSecretRow> Secrets => Set<HubSecretRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<KeyRingElementRow>(e =>
        {
            e.ToTable("key_ring");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.Xml).HasColumnName("xml");
        });
        modelBuilder.Entity<CaseKeyRow>(e =>
        {
            e.ToTable("case_keys");
            e.HasKey(x => new { x.Case, x.Category, x.Version });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Category).HasColumnName("category").HasMaxLength(64);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.KekId).HasColumnName("kek_id").HasMaxLength(64);
            e.Property(x => x.Wrapped).HasColumnName("wrapped");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.HasIndex(x => x.KekId).HasDatabaseName("ix_case_keys_kek_id");
        });
        modelBuilder.Entity<DestroyedKeyRow>(e =>
        {
            e.ToTable("destroyed_keys");
            e.HasKey(x => new { x.Case, x.Category });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Category).HasColumnName("category").HasMaxLength(64);
            e.Property(x => x.DestroyedAt).HasColumnName("destroyed_at");
        });
        modelBuilder.Entity<HubSecretRow>(e =>
        {
            e.ToTable("hub_secrets");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(64);
            e.Property(x => x.KekId).HasColumnName("kek_id").HasMaxLength(64);
            e.Property(x => x.Wrapped).HasColumnName("wrapped");
        });
    }
}

/// <summary>One XML element of the Data Protection key ring.</summary>
public sealed class KeyRingElementRow
{
    public required string Name { get; init; }

    public required string Xml { get; init; }
}

/// <summary>A data-encryption key of one case and category, in one version, wrapped by the KEK <see cref="KekId"/>.</summary>
public sealed class CaseKeyRow
{
    public required string Case { get; init; }

    public required string Category { get; init; }

    public required int Version { get; init; }

    public required string KekId { get; set; }

    public required byte[] Wrapped { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The record that a case's keys for a category were destroyed, and when.</summary>
public sealed class DestroyedKeyRow
{
    public required string Case { get; init; }

    public required string Category { get; init; }

    public required DateTimeOffset DestroyedAt { get; init; }
}

/// <summary>A hub-wide secret (the blind-index key), wrapped by the KEK.</summary>
public sealed class HubSecretRow
{
    public required string Name { get; init; }

    public required string KekId { get; set; }

    public required byte[] Wrapped { get; set; }
}
