namespace ClawGroups.Inference.SafeTensors;

/// <summary>A safetensors file or header that breaks the format; the message names what is wrong and where.</summary>
public sealed class SafeTensorsFormatException : FormatException
{
    public SafeTensorsFormatException()
    {
    }

    public SafeTensorsFormatException(string message)
        : base(message)
    {
    }

    public SafeTensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
