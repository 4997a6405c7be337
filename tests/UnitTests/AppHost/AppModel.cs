using RealtimeSync.AppHost.Hosting.Model;
using RealtimeSync.AppHost.Hosting.Testing;

namespace RealtimeSync.UnitTests.AppHost;

/// <summary>The AppHost's real model (its Program.cs), built but never started.</summary>
internal static class AppModel
{
    /// <param name="args">AppHost arguments; <c>publish</c> builds the model as <c>AppHost publish</c> does.</param>
    public static async Task<IReadOnlyList<Resource>> LoadAsync(params string[] args) =>
        (await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args)).Resources;

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RealtimeSync.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("RealtimeSync.sln not found");
    }
}
