// Staff sign-in over HTTP. Every answer with a csrf_token updates the CSRF header for later calls.
import { get, post, setCsrfToken } from "../../lib/api.js";

export async function fetchMe() {
  const answer = await get("/api/auth/me");
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function login(email, password) {
  const answer = await post("/api/auth/login", { email, password });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function logout() {
  await post("/api/auth/logout", {});
  setCsrfToken(null);
}

export const changePassword = (currentPassword, newPassword) =>
  post("/api/auth/password", { current_password: currentPassword, new_password: newPassword });
