namespace Bot.Deployments;

/// <summary>
/// What the store holds (<c>bot store stats</c>): exact rows and, where the database can tell, bytes per table (its
/// indexes included). On SQLite also the file's size and its free pages; <see cref="Note"/> says what could not be measured.
/// </summary>
public sealed record StoreStats(string Kind, IReadOnlyList<TableStats> Tables, long? FileBytes, long? FreeBytes, string? Note);
