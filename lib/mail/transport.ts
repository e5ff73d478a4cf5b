// Sending one message over SMTP with nodemailer (SMTP_URL, e.g.
// smtp://mail.example:587 or smtps://user:pass@host). The URL is a secret
// (it may carry a password): it never reaches a log line or an error we
// keep; lib/mail/outbox.ts records only the error's kind.
// @ts-types="@types/nodemailer"
import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** What sends a message; throws when the server did not take it. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** An SMTP transport for `url`, sending from `from`. */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    // Nodemailer's own logger stays off: it would print addresses.
    logger: false,
    debug: false,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        textEncoding: "base64",
      });
    },
    close: () => transporter.close(),
  };
}
