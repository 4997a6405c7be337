namespace RealtimeSync.MergeApi.Collections;

/// <summary>
/// One collection, declared in configuration (section <c>MergeApi:Collections</c>), as seed 003's entities:
/// its preserved fields (never changed by a client write once the record exists), field types, required
/// fields, and the body field that names a new record's id. A name ending in <c>*</c> declares a family
/// (<c>tenant-*</c>): every collection starting with the prefix follows these rules.
/// </summary>
public sealed class CollectionDefinition
{
    public string Key { get; set; } = "id";

    public List<string> PreservedFields { get; set; } = [];

    /// <summary>Field name → type: string, email, number, integer, boolean, object, array, datetime. Undeclared fields take any JSON value.</summary>
    public Dictionary<string, string> Fields { get; set; } = [];

    public List<string> Required { get; set; } = [];
}

public sealed class MergeApiOptions
{
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most operations one batch request may carry.</summary>
    public int MaxBatchOperations { get; set; } = 500;

    public Dictionary<string, CollectionDefinition> Collections { get; set; } = [];
}
