/**
 * nodemailer, loaded when the first sender is built rather than when this folder is imported:
 * a server without SMTP_URL (or the file transport) never builds one, and loading it cost about
 * 20 ms of every start (measured with a require-timing hook; the start goal is 0.5 s).
 */
export function loadNodemailer(): typeof import("nodemailer") {
  return require("nodemailer") as typeof import("nodemailer");
}
