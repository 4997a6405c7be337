var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOdooIngest();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOdooIngest();

app.Run();
