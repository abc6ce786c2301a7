"""WhatsApp Cloud API candidate channel on pywa (`pywa_async`): `inbound` (webhook bodies ->
events, pure), `render` (buttons and lists, pure), `transport` (the channel: sends, media
downloads), `webhook` (the `/whatsapp/webhook` route), `invites` (`wa.me` links). Only the
composition root (`bot/cli/`) imports it."""
