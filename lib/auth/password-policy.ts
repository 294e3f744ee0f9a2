// What a new password must be: at least 12 characters, at most 72 bytes (bcrypt ignores what comes after
// 72 bytes, so a longer one would be truncated silently), and not one of the passwords attackers try first.
// Returns a message a person can act on, or null when the password is acceptable.

export const PASSWORD_MIN_CHARS = 12;
export const PASSWORD_MAX_BYTES = 72;

// The most common passwords of 12+ characters in public breach lists, plus this product's own demo password
// pattern; compared lower-cased. Shorter common passwords are already refused by the length rule.
const COMMON = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "123456789abc",
  "1q2w3e4r5t6y",
  "1qaz2wsx3edc",
  "aaaaaaaaaaaa",
  "abc123456789",
  "abcdefghijkl",
  "administrator",
  "iloveyou1234",
  "letmein12345",
  "password1234",
  "password12345",
  "password123456",
  "passwordpassword",
  "qwerty123456",
  "qwertyuiop12",
  "qwertyuiopasdfgh",
  "qwertyuiop123",
  "welcome12345",
  "welcome123456",
  "changeme1234",
  "callsync1234",
  "callsynccallsync",
]);

export function passwordProblem(password: string, context: { email?: string | null; name?: string | null } = {}): string | null {
  if (password.length < PASSWORD_MIN_CHARS) return `Use at least ${PASSWORD_MIN_CHARS} characters.`;
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES)
    return `Use at most ${PASSWORD_MAX_BYTES} bytes (about ${PASSWORD_MAX_BYTES} letters; fewer with accents or emoji).`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return "This password is too common. Choose one that is harder to guess.";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "Do not use your email address in your password.";
  return null;
}
