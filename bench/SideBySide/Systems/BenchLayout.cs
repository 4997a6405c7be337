namespace RealtimeSync.Bench.SideBySide.Systems;

/// <summary>Where the peers are: built next to this program (same configuration), Socket.IO's sources in the repository.</summary>
internal static class BenchLayout
{
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RealtimeSync.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("RealtimeSync.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A peer project's built dll. The build puts every project in artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/, and
    /// this one references the peers so they are built with it: theirs is the sibling folder with the same last part.
    /// </summary>
    public static string BuiltPeer(string project)
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(own.Parent!.Parent!.FullName, project, own.Name, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{project} is not built: build bench/SideBySide, which builds it", dll);
    }

    public static string SocketIoFolder() => Path.Combine(RepositoryRoot(), "bench", "Peers", "socketio");
}
