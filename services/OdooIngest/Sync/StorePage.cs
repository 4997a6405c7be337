namespace RealtimeSync.OdooIngest.Sync;

/// <summary>A page as read, ready to store in one transaction: its units, and the records refused already.</summary>
internal sealed record StorePage(List<StoreUnit> Units, List<Refusal> Refused);
