namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A record that will not be stored this run (Odoo would not read it or one of its children, or it breaks the document shape), and why.</summary>
internal sealed record Refusal(string Model, int Id, string? WriteDate, string Error);
