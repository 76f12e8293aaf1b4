using Informatiedeling.Storage.Policy;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage;

/// <summary>
/// The hub's relational store. The schema is owned by the hand-written migrations in <c>Migrations/</c>,
/// which are the same for PostgreSQL and SQLite; this model only maps to it.
/// </summary>
public sealed class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<PolicyVersionRow> PolicyVersions => Set<PolicyVersionRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PolicyVersionRow>(e =>
        {
            e.ToTable("policy_versions");
            e.HasKey(x => x.ContentHash);
            e.Property(x => x.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            e.Property(x => x.FirstLoadedAt).HasColumnName("first_loaded_at");
            e.Property(x => x.ConvenantVersion).HasColumnName("convenant_version").HasMaxLength(64);
            e.Property(x => x.Bundle).HasColumnName("bundle");
        });
    }
}
