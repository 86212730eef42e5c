// The Unban confirmation: what lifting the block means, an optional reason
// for the history, and the backend's refusal of that reason shown next to
// the field with the dialog kept open.
import type { useDialog } from 'naive-ui'
import { h, ref } from 'vue'
import { ApiError } from '../api'
import ReasonField from '../components/ReasonField.vue'

type DialogApiInjection = ReturnType<typeof useDialog>

export interface UnbanConfirm {
  title: string
  content: string
  /** data-testid of the Unban button. */
  confirmTestId: string
  /** Lifts the block(s) with the reason typed; throws ApiError on refusal. */
  run: (reason: string) => Promise<void>
  /** Any refusal other than of the reason (the dialog closes). */
  onError: (err: ApiError) => void
}

export function confirmUnban(dialog: DialogApiInjection, c: UnbanConfirm): void {
  const reason = ref('')
  const error = ref('')
  dialog.warning({
    title: c.title,
    content: () =>
      h('div', [
        h('p', { style: 'margin: 0 0 4px' }, c.content),
        h(ReasonField, {
          value: reason.value,
          error: error.value,
          testid: 'unban-reason',
          'onUpdate:value': (v: string) => {
            reason.value = v
            error.value = ''
          },
        }),
      ]),
    positiveText: 'Unban',
    negativeText: 'Cancel',
    positiveButtonProps: { 'data-testid': c.confirmTestId } as Record<string, string>,
    onPositiveClick: async () => {
      try {
        await c.run(reason.value)
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError('internal', String(e))
        if (err.field === 'reason') {
          error.value = err.message
          return false // stays open, the text kept
        }
        c.onError(err)
      }
    },
  })
}
