// Colour overrides so every text meets WCAG AA contrast (4.5:1) in both
// themes: Naive UI's defaults put green and red tag text, the breadcrumb,
// the active tab and depth-3 text between 2.9:1 and 4.3:1.
import type { GlobalThemeOverrides } from 'naive-ui'

export const lightOverrides: GlobalThemeOverrides = {
  common: {
    primaryColor: '#0c7a43',
    primaryColorHover: '#118a4d',
    primaryColorPressed: '#09663a',
    primaryColorSuppl: '#118a4d',
    successColor: '#0c7a43',
    successColorHover: '#118a4d',
    successColorPressed: '#09663a',
    successColorSuppl: '#118a4d',
    errorColor: '#b8203f',
    errorColorHover: '#c8304d',
    errorColorPressed: '#9c1a35',
    errorColorSuppl: '#c8304d',
    warningColor: '#a15c00',
    warningColorHover: '#b56a05',
    warningColorPressed: '#8a4f00',
    warningColorSuppl: '#b56a05',
    infoColor: '#1a62c0',
    infoColorHover: '#2a72d0',
    infoColorPressed: '#1552a6',
    infoColorSuppl: '#2a72d0',
    textColor3: '#5c6166',
    placeholderColor: '#6b7075',
  },
}

export const darkOverrides: GlobalThemeOverrides = {
  common: {
    errorColor: '#f0868c',
    errorColorHover: '#f49aa0',
    errorColorPressed: '#e0707a',
    errorColorSuppl: '#f49aa0',
    textColor3: 'rgba(255, 255, 255, 0.62)',
    placeholderColor: 'rgba(255, 255, 255, 0.55)',
  },
}
