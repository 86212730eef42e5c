// The Undo toast after Unban: for 10 seconds a message offers Undo, which
// restores the same ban (notes and expiry) through the backend.
import { NButton, type MessageApi } from 'naive-ui'
import { h } from 'vue'
import { api, ApiError, type Ban } from '../api'

/** How long Undo is offered. */
export const undoMs = 10_000

/**
 * Shows "text · Undo" for undoMs. Undo restores ban and then calls done with
 * the restored ban; a refusal (e.g. someone banned the range meanwhile) is
 * shown as an error toast.
 */
export function offerUndo(message: MessageApi, text: string, ban: Ban, done: (restored: Ban) => void): void {
  const m = message.success(
    () =>
      h('span', [
        text,
        ' ',
        h(
          NButton,
          {
            text: true,
            type: 'primary',
            style: 'margin-left: 8px; font-weight: 600',
            'data-testid': 'undo-unban',
            onClick: async () => {
              m.destroy()
              try {
                const restored = await api.restoreBan(ban.id)
                message.success(`${restored.target} is blocked again, as before`)
                done(restored)
              } catch (e) {
                message.error((e as ApiError).message)
              }
            },
          },
          () => 'Undo',
        ),
      ]),
    { duration: undoMs, closable: true },
  )
}
