using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeSync.OdooSimulator;

/// <summary>
/// Odoo 19's JSON-2 API: <c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c> with <c>Authorization: bearer &lt;API key&gt;</c>,
/// named parameters in a JSON body, the bare result as the response, and HTTP status codes for errors.
/// </summary>
public static class Json2Endpoint
{
    public static async Task HandleAsync(HttpContext http, OdooService service, string model, string method)
    {
        var authorization = http.Request.Headers.Authorization.FirstOrDefault() ?? string.Empty;
        if (!authorization.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase) || authorization[7..] != service.User.ApiKey)
        {
            await ErrorAsync(http, StatusCodes.Status401Unauthorized, "odoo.exceptions.AccessDenied", "Access Denied");
            return;
        }

        if (http.Request.Headers["X-Odoo-Database"].FirstOrDefault() is { } db && db != service.Database.Name)
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, "werkzeug.exceptions.NotFound", $"database \"{db}\" does not exist");
            return;
        }

        try
        {
            var parameters = await JsonNode.ParseAsync(http.Request.Body) as JsonObject ?? [];
            var result = service.Call(model, method, parameters);
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(result?.ToJsonString() ?? "null");
        }
        catch (OdooFault fault)
        {
            var (status, name) = fault.Code switch
            {
                3 => (StatusCodes.Status403Forbidden, "odoo.exceptions.AccessError"),
                4 => (StatusCodes.Status403Forbidden, "odoo.exceptions.AccessError"),
                2 when fault.Message.Contains("does not exist on the model") || fault.Message.Contains("doesn't exist") => (StatusCodes.Status404NotFound, "werkzeug.exceptions.NotFound"),
                2 => (StatusCodes.Status422UnprocessableEntity, "odoo.exceptions.UserError"),
                _ => (StatusCodes.Status500InternalServerError, "builtins.Exception"),
            };
            await ErrorAsync(http, status, name, fault.Message);
        }
        catch (JsonException ex)
        {
            await ErrorAsync(http, StatusCodes.Status400BadRequest, "werkzeug.exceptions.BadRequest", ex.Message);
        }
    }

    private static async Task ErrorAsync(HttpContext http, int status, string name, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(new JsonObject { ["name"] = name, ["message"] = message, ["arguments"] = new JsonArray(message), ["context"] = new JsonObject(), ["debug"] = "" }.ToJsonString());
    }
}
