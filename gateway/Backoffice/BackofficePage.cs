using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace RealtimeSync.Gateway.Backoffice;

/// <summary>
/// Serves the backoffice page (clients/apps/backoffice, built by Vite) at the gateway's root, beside the APIs it calls:
/// one origin, so the page needs no CORS and its WebSocket goes to the same address.
/// </summary>
public static partial class BackofficePage
{
    public static WebApplication UseBackofficePage(this WebApplication app)
    {
        var root = app.Services.GetRequiredService<IOptions<BackofficeOptions>>().Value.Root;
        if (string.IsNullOrWhiteSpace(root))
        {
            return app;
        }

        var folder = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(folder, "index.html")))
        {
            LogNotBuilt(app.Logger, folder);
            return app;
        }

        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Vite names assets by their hash: they never change; index.html must be asked for again each time.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backoffice page is not built in {Folder}: run `npm ci --prefix clients && npm run build --prefix clients`")]
    private static partial void LogNotBuilt(ILogger logger, string folder);
}
