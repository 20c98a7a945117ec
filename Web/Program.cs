var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "Claw Groups");
app.Run();

public partial class Program;
