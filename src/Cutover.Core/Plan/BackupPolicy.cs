namespace Cutover.Plan;

/// <summary>Which backups a run takes in its backup phase (<c>backup:</c> in the plan).</summary>
public enum BackupPolicy
{
    /// <summary>The source and the target (default). A PostgreSQL source is only read, so it is recorded, not dumped.</summary>
    All,

    /// <summary>Only the target: the source is only read, so its backup is skipped (and recorded as skipped).</summary>
    Target,

    /// <summary>
    /// None. <c>rollback</c> can still drop the tables the run created, but refuses (<c>BACKUP_NOT_TAKEN</c>) to restore
    /// tables that existed before the run.
    /// </summary>
    None,
}
