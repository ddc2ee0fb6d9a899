namespace Cutover.Verification;

/// <summary>The stable ids of the checks <c>cutover audit</c> runs; scripts match on them.</summary>
public static class AuditChecks
{
    /// <summary>Rows of a target table whose foreign key (all columns non-NULL) matches no parent row.</summary>
    public const string ForeignKey = "foreign_key";

    /// <summary>The id map of a re-keyed entity: every source key mapped, new ids unique, every target key a new id.</summary>
    public const string IdMap = "id_map";

    /// <summary>A custom check of the plan (<c>checks:</c>).</summary>
    public const string Check = "check";

    /// <summary>SQLite's <c>PRAGMA integrity_check</c> on the target file.</summary>
    public const string IntegrityCheck = "integrity_check";

    /// <summary>SQLite's <c>PRAGMA foreign_key_check</c> on the plan's target tables.</summary>
    public const string ForeignKeyCheck = "foreign_key_check";

    /// <summary>PostgreSQL indexes on the plan's target tables that are not valid (<c>pg_index.indisvalid</c>).</summary>
    public const string InvalidIndex = "invalid_index";

    /// <summary>PostgreSQL constraints on the plan's target tables that are not validated (<c>NOT VALID</c>).</summary>
    public const string UnvalidatedConstraint = "unvalidated_constraint";

    /// <summary>How many sample keys a finding carries at most.</summary>
    public const int Samples = 10;
}
