var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPushGateway();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPushGateway();

app.Run();
