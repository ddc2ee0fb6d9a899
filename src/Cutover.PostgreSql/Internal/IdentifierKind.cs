namespace Cutover.PostgreSql.Internal;

/// <summary>What a target identifier names; tables and indexes share one namespace per schema in PostgreSQL.</summary>
internal enum IdentifierKind
{
    Table,
    Column,
    Index,
}
