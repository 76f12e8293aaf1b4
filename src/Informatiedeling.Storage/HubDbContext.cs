using Informatiedeling.Storage.AccessLog;
using Informatiedeling.Storage.Cases;
using Informatiedeling.Storage.Policy;
using Informatiedeling.Storage.Retention;
using Informatiedeling.Storage.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Informatiedeling.Storage;

/// <summary>
/// The hub's relational store. The schema is owned by the hand-written migrations in <c>Migrations/</c>,
/// which are the same for PostgreSQL and SQLite; this model only maps to it.
/// </summary>
public sealed class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<PolicyVersionRow> PolicyVersions => Set<PolicyVersionRow>();

    public DbSet<CaseRow> Cases => Set<CaseRow>();

    public DbSet<CaseFieldRow> CaseFields => Set<CaseFieldRow>();

    public DbSet<CaseShredRow> CaseShreds => Set<CaseShredRow>();

    public DbSet<CaseReportFieldRow> CaseReportFields => Set<CaseReportFieldRow>();

    public DbSet<CaseRoleRow> CaseRoles => Set<CaseRoleRow>();

    public DbSet<CaseInvitationRow> CaseInvitations => Set<CaseInvitationRow>();

    public DbSet<CaseParticipantRow> CaseParticipants => Set<CaseParticipantRow>();

    public DbSet<CaseStepRow> CaseSteps => Set<CaseStepRow>();

    public DbSet<CaseEvaluationRow> CaseEvaluations => Set<CaseEvaluationRow>();

    public DbSet<CasePurgeRow> CasePurges => Set<CasePurgeRow>();

    public DbSet<PurgeNoticeRow> PurgeNotices => Set<PurgeNoticeRow>();

    public DbSet<LegalHoldRow> LegalHolds => Set<LegalHoldRow>();

    public DbSet<EndedSessionRow> EndedSessions => Set<EndedSessionRow>();

    public DbSet<AccessLogVerificationRow> AccessLogVerifications => Set<AccessLogVerificationRow>();
    public DbSet<AccessLogFlagRunRow> AccessLogFlagRuns => Set<AccessLogFlagRunRow>();

    public DbSet<PolicyProposalRow> PolicyProposals => Set<PolicyProposalRow>();

    public DbSet<PolicyActivationRow> PolicyActivations => Set<PolicyActivationRow>();

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
            e.Property(x => x.Tests).HasColumnName("tests");
        });
        MapPolicyAdministration(modelBuilder);
        modelBuilder.Entity<CaseRow>(e =>
        {
            e.ToTable("cases");
            e.HasKey(x => x.Pseudonym);
            e.Property(x => x.Pseudonym).HasColumnName("pseudonym").HasMaxLength(40);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Step).HasColumnName("step").HasMaxLength(64);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ClosedAt).HasColumnName("closed_at");
            e.Property(x => x.ClosureReason).HasColumnName("closure_reason").HasMaxLength(64);
            e.Property(x => x.BlindIndex).HasColumnName("blind_index").HasMaxLength(64);
            e.HasIndex(x => x.BlindIndex).HasDatabaseName("ix_cases_blind_index");
        });
        modelBuilder.Entity<CaseFieldRow>(e =>
        {
            e.ToTable("case_fields");
            e.HasKey(x => new { x.Case, x.Field });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Field).HasColumnName("field").HasMaxLength(130);
            e.Property(x => x.Category).HasColumnName("category").HasMaxLength(64);
            e.Property(x => x.KeyVersion).HasColumnName("key_version");
            e.Property(x => x.Ciphertext).HasColumnName("ciphertext");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        modelBuilder.Entity<CaseRoleRow>(e =>
        {
            e.ToTable("case_roles");
            e.HasKey(x => new { x.Case, x.Step, x.Partner });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Step).HasColumnName("step").HasMaxLength(64);
            e.Property(x => x.Partner).HasColumnName("partner").HasMaxLength(64);
            e.Property(x => x.Role).HasColumnName("role").HasMaxLength(1);
        });
        modelBuilder.Entity<CaseInvitationRow>(e =>
        {
            e.ToTable("case_invitations");
            e.HasKey(x => new { x.Case, x.Partner });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Partner).HasColumnName("partner").HasMaxLength(64);
            e.Property(x => x.InvitedUntil).HasColumnName("invited_until");
            e.Property(x => x.InvitedAt).HasColumnName("invited_at");
        });
        modelBuilder.Entity<CaseParticipantRow>(e =>
        {
            e.ToTable("case_participants");
            e.HasKey(x => new { x.Case, x.Partner });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Partner).HasColumnName("partner").HasMaxLength(64);
        });
        modelBuilder.Entity<CaseShredRow>(e =>
        {
            e.ToTable("case_shreds");
            e.HasKey(x => new { x.Case, x.Category });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Category).HasColumnName("category").HasMaxLength(64);
            e.Property(x => x.DestroyedAt).HasColumnName("destroyed_at");
        });
        modelBuilder.Entity<CasePurgeRow>(e =>
        {
            e.ToTable("case_purges");
            e.HasKey(x => new { x.Case, x.Category });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Category).HasColumnName("category").HasMaxLength(64);
            e.Property(x => x.PurgedAt).HasColumnName("purged_at");
            e.Property(x => x.Rule).HasColumnName("rule").HasMaxLength(128);
            e.Property(x => x.Article).HasColumnName("article").HasMaxLength(64);
        });
        modelBuilder.Entity<PurgeNoticeRow>(e =>
        {
            e.ToTable("purge_notices");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Categories).HasColumnName("categories").HasMaxLength(1024);
            e.Property(x => x.PurgedAt).HasColumnName("purged_at");
            e.Property(x => x.Rules).HasColumnName("rules").HasMaxLength(2048);
            e.Property(x => x.Articles).HasColumnName("articles").HasMaxLength(1024);
            e.HasIndex(x => x.Case).HasDatabaseName("ix_purge_notices_case");
        });
        modelBuilder.Entity<LegalHoldRow>(e =>
        {
            e.ToTable("legal_holds");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.PlacedByPartner).HasColumnName("placed_by_partner").HasMaxLength(64);
            e.Property(x => x.PlacedByUser).HasColumnName("placed_by_user").HasMaxLength(256);
            e.Property(x => x.PlacedAt).HasColumnName("placed_at");
            e.Property(x => x.Until).HasColumnName("until");
            e.Property(x => x.ReasonKeyVersion).HasColumnName("reason_key_version");
            e.Property(x => x.ReasonCiphertext).HasColumnName("reason_ciphertext");
            e.Property(x => x.LiftedAt).HasColumnName("lifted_at");
            e.Property(x => x.LiftedByPartner).HasColumnName("lifted_by_partner").HasMaxLength(64);
            e.HasIndex(x => x.Case).HasDatabaseName("ix_legal_holds_case");
        });
        MapLifecycle(modelBuilder);
        MapReports(modelBuilder);
        MapEndedSessions(modelBuilder);
        MapVerifications(modelBuilder);
        MapAccessLogFlagRuns(modelBuilder);
    }

    private static void MapPolicyAdministration(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PolicyProposalRow>(e =>
        {
            e.ToTable("policy_proposals");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            // Revision and status guard every change: an approval, a rejection, a revision and an activation made at the same
            // moment cannot both succeed, and none acts on a revision or state it did not see.
            e.Property(x => x.Revision).HasColumnName("revision").IsConcurrencyToken();
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16).IsConcurrencyToken();
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(200);
            e.Property(x => x.AuthorPartner).HasColumnName("author_partner").HasMaxLength(64);
            e.Property(x => x.AuthorUser).HasColumnName("author_user").HasMaxLength(256);
            e.Property(x => x.BaseHash).HasColumnName("base_hash").HasMaxLength(64);
            e.Property(x => x.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            e.Property(x => x.Files).HasColumnName("files");
            e.Property(x => x.TestsPassed).HasColumnName("tests_passed");
            e.Property(x => x.Diff).HasColumnName("diff");
            e.Property(x => x.Widens).HasColumnName("widens");
            e.Property(x => x.Impact).HasColumnName("impact");
            e.Property(x => x.ImpactRevision).HasColumnName("impact_revision");
            e.Property(x => x.DeciderPartner).HasColumnName("decider_partner").HasMaxLength(64);
            e.Property(x => x.DeciderUser).HasColumnName("decider_user").HasMaxLength(256);
            e.Property(x => x.ApprovedRevision).HasColumnName("approved_revision");
            e.Property(x => x.WideningAcknowledged).HasColumnName("widening_acknowledged");
            e.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(2000);
            e.Property(x => x.DecidedAt).HasColumnName("decided_at");
            e.Property(x => x.EffectiveAt).HasColumnName("effective_at");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.Status, x.Id }).HasDatabaseName("ix_policy_proposals_status_id");
        });
        modelBuilder.Entity<PolicyActivationRow>(e =>
        {
            e.ToTable("policy_activations");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedNever();
            e.Property(x => x.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            e.Property(x => x.ProposalId).HasColumnName("proposal_id");
            e.Property(x => x.EffectiveAt).HasColumnName("effective_at");
            e.Property(x => x.RecordedAt).HasColumnName("recorded_at");
            e.Property(x => x.ActorPartner).HasColumnName("actor_partner").HasMaxLength(64);
            e.Property(x => x.ActorUser).HasColumnName("actor_user").HasMaxLength(256);
            e.HasIndex(x => new { x.EffectiveAt, x.Seq }).HasDatabaseName("ix_policy_activations_effective_seq");
        });
    }

    private static void MapVerifications(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AccessLogVerificationRow>(e =>
        {
            e.ToTable("access_log_verifications");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Check).HasColumnName("check").HasMaxLength(32);
            e.Property(x => x.StartedAt).HasColumnName("started_at");
            e.Property(x => x.FinishedAt).HasColumnName("finished_at");
            e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(32);
            e.Property(x => x.Size).HasColumnName("size");
            e.Property(x => x.KeptSize).HasColumnName("kept_size");
            e.Property(x => x.FirstBadSeq).HasColumnName("first_bad_seq");
            e.Property(x => x.CheckpointsChecked).HasColumnName("checkpoints_checked");
            e.Property(x => x.Message).HasColumnName("message").HasMaxLength(2048);
            e.HasIndex(x => new { x.Check, x.Id }).HasDatabaseName("ix_access_log_verifications_check_id");
        });

    private static void MapAccessLogFlagRuns(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AccessLogFlagRunRow>(e =>
        {
            e.ToTable("access_log_flag_runs");
            e.HasKey(x => x.Day);
            e.Property(x => x.Day).HasColumnName("day").HasMaxLength(10);
            e.Property(x => x.Denials).HasColumnName("denials");
            e.Property(x => x.AfterClosure).HasColumnName("after_closure");
            e.Property(x => x.ShellLastDay).HasColumnName("shell_last_day");
            e.Property(x => x.Bulk).HasColumnName("bulk");
            e.Property(x => x.Emergencies).HasColumnName("emergencies");
            e.Property(x => x.LogReads).HasColumnName("log_reads");
            e.Property(x => x.ComputedAt).HasColumnName("computed_at");
            e.Property(x => x.RecordSeq).HasColumnName("record_seq");
        });

    private static void MapEndedSessions(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<EndedSessionRow>(e =>
        {
            e.ToTable("ended_sessions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Issuer).HasColumnName("issuer").HasMaxLength(512);
            e.Property(x => x.Sid).HasColumnName("sid").HasMaxLength(256);
            e.Property(x => x.Subject).HasColumnName("subject").HasMaxLength(256);
            e.Property(x => x.EndedAt).HasColumnName("ended_at");
            e.HasIndex(x => new { x.Issuer, x.Sid }).HasDatabaseName("ix_ended_sessions_issuer_sid");
            e.HasIndex(x => new { x.Issuer, x.Subject, x.EndedAt }).HasDatabaseName("ix_ended_sessions_issuer_subject");
            e.HasIndex(x => x.EndedAt).HasDatabaseName("ix_ended_sessions_ended_at");
        });

    private static void MapReports(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<CaseReportFieldRow>(e =>
        {
            e.ToTable("case_report_fields");
            e.HasKey(x => new { x.Case, x.Report, x.Field });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Report).HasColumnName("report_id").ValueGeneratedNever();
            e.Property(x => x.Field).HasColumnName("field").HasMaxLength(130);
            e.Property(x => x.Category).HasColumnName("category").HasMaxLength(64);
            e.Property(x => x.KeyVersion).HasColumnName("key_version");
            e.Property(x => x.Ciphertext).HasColumnName("ciphertext");
            e.Property(x => x.ReceivedAt).HasColumnName("received_at");
            e.Property(x => x.Source).HasColumnName("source_partner").HasMaxLength(64);
        });

    private static void MapLifecycle(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CaseStepRow>(e =>
        {
            e.ToTable("case_steps");
            e.HasKey(x => new { x.Case, x.Step });
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.Step).HasColumnName("step").HasMaxLength(64);
            e.Property(x => x.EnteredAt).HasColumnName("entered_at");
            e.HasOne<CaseRow>().WithMany().HasForeignKey(x => x.Case).HasConstraintName("fk_case_steps_cases").OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CaseEvaluationRow>(e =>
        {
            e.ToTable("case_evaluations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Case).HasColumnName("case_pseudonym").HasMaxLength(40);
            e.Property(x => x.ExploitationType).HasColumnName("exploitation_type").HasMaxLength(64);
            e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(64);
            e.Property(x => x.ClosureReason).HasColumnName("closure_reason").HasMaxLength(64);
            e.Property(x => x.ClosedOn).HasColumnName("closed_on");
            e.HasIndex(x => x.Case).IsUnique().HasDatabaseName("ix_case_evaluations_case");
            e.HasOne<CaseRow>().WithMany().HasForeignKey(x => x.Case).HasConstraintName("fk_case_evaluations_cases").OnDelete(DeleteBehavior.SetNull);
            e.HasMany(x => x.Steps).WithOne().HasForeignKey(x => x.Evaluation).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CaseEvaluationStepRow>(e =>
        {
            e.ToTable("case_evaluation_steps");
            e.HasKey(x => new { x.Evaluation, x.Step });
            e.Property(x => x.Evaluation).HasColumnName("evaluation_id");
            e.Property(x => x.Step).HasColumnName("step").HasMaxLength(64);
            e.Property(x => x.EnteredOn).HasColumnName("entered_on");
        });
    }
}
