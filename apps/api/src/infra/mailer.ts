import nodemailer from "nodemailer";
import type { Logger } from "./logger";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail through the SMTP server of SMTP_URL (nodemailer, pooled connections). */
export class Mailer {
  private readonly transport: nodemailer.Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl, {});
  }

  /** true when the server accepted the message; a failure is logged, never thrown (callers have a fallback). */
  async send(mail: Mail): Promise<boolean> {
    try {
      await this.transport.sendMail({ from: this.from, ...mail });
      return true;
    } catch (error) {
      this.logger.warn({ err: error, to: mail.to }, "mail not sent");
      return false;
    }
  }

  close(): void {
    this.transport.close();
  }
}
