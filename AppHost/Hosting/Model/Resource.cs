namespace RealtimeSync.AppHost.Hosting.Model;

/// <summary>Anything the AppHost models: a server, a database, a parameter, a project. Mirrors Aspire's IResource.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource that other resources connect to by <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>A resource that listens on named endpoints.</summary>
public interface IResourceWithEndpoints : IResource
{
    IReadOnlyList<EndpointAnnotation> Endpoints { get; }
}

/// <summary>What a resource needs before it may start (Aspire's WaitFor), and what it references (WithReference).</summary>
public abstract class Resource(string name) : IResource
{
    public string Name { get; } = name;

    public List<Resource> WaitsFor { get; } = [];

    public List<Resource> References { get; } = [];

    public override string ToString() => Name;
}

/// <summary>Generated per service project (see ProjectMetadata.targets), like Aspire's Projects.* classes.</summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }

    /// <summary>The built assembly the AppHost launches.</summary>
    string TargetPath { get; }
}
