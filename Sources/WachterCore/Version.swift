public enum WachterVersion { public static let string = "0.1.0" }
