// What a signed-in staff member may see first.

export const MIN_PASSWORD_LENGTH = 10;

export function landingFor(user) {
  if (!user) return "sign-in";
  if (user.must_change_password) return "change-password";
  return user.is_facilitator ? "sessions" : user.is_admin ? "admin/groups" : "no-role";
}

export function validateNewPassword(current, next, repeat) {
  if (next.length < MIN_PASSWORD_LENGTH) return `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (next !== repeat) return "The two new passwords are not the same.";
  if (next === current) return "Choose a password different from the current one.";
  return null;
}
